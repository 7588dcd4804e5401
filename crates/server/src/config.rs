//! The server's configuration: command-line flags, each also readable from a
//! `SOCIAL_*` environment variable.

use clap::Parser;
use std::path::PathBuf;

/// The social widget's backend: REST API, storage and the built widget.
#[derive(Debug, Clone, Parser)]
#[command(name = "social-server", version, about)]
pub struct Config {
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "SOCIAL_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Address to listen on; 0.0.0.0 for every interface.
    #[arg(long, env = "SOCIAL_HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Database URL; its folder is created if missing. Only SQLite is supported so far.
    #[arg(
        long,
        env = "SOCIAL_DATABASE_URL",
        default_value = "sqlite://data/social.db?mode=rwc"
    )]
    pub database_url: String,

    /// Folder of the built widget (`trunk build --release` writes `dist`).
    #[arg(long, env = "SOCIAL_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// Seed the demo accounts and mount `POST /api/demo/session`, which signs anyone in.
    /// Never in production.
    #[arg(long, env = "SOCIAL_DEMO")]
    pub demo: bool,

    /// Origins allowed to frame the widget (CSP `frame-ancestors`), space-separated,
    /// e.g. "https://z1.le.liveperson.net https://*.liveperson.net".
    #[arg(
        long,
        env = "SOCIAL_FRAME_ANCESTORS",
        default_value = "'self'",
        value_parser = parse_frame_ancestors
    )]
    pub frame_ancestors: String,
}

/// Rejects what would end the CSP directive early and let a value add directives of its own.
fn parse_frame_ancestors(value: &str) -> Result<String, String> {
    let sources: Vec<&str> = value.split_ascii_whitespace().collect();
    if sources.is_empty() {
        return Err("give at least one source, e.g. 'self' or 'none'".into());
    }
    if let Some(bad) = sources.iter().find(|s| {
        s.chars()
            .any(|c| c == ';' || c == ',' || c.is_control() || !c.is_ascii())
    }) {
        return Err(format!("{bad:?} is not a CSP source expression"));
    }
    Ok(sources.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ancestors_are_normalised_to_single_spaces() {
        assert_eq!(
            parse_frame_ancestors("  'self'   https://a.example\thttps://b.example ").as_deref(),
            Ok("'self' https://a.example https://b.example")
        );
    }

    #[test]
    fn frame_ancestors_cannot_inject_another_directive() {
        assert!(parse_frame_ancestors("'self'; script-src *").is_err());
        assert!(parse_frame_ancestors("   ").is_err());
    }

    #[test]
    fn defaults_match_the_documented_ones() {
        let config = Config::try_parse_from(["social-server"]).expect("defaults parse");
        assert_eq!(config.port, 8080);
        assert_eq!(config.host, "127.0.0.1");
        assert_eq!(config.static_dir, PathBuf::from("dist"));
        assert_eq!(config.frame_ancestors, "'self'");
    }
}
