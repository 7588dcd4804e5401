//! The server's configuration: command-line flags, each also readable from a
//! `SOCIAL_*` environment variable.

use clap::Parser;
use std::path::PathBuf;

use crate::secret::Secret;
use std::time::Duration;

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

    /// Database URL: `sqlite://…` (its folder is created if missing) or `postgres://…`
    /// (several instances may share one PostgreSQL).
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

    /// A session ends after this long unused (each request moves it on), e.g. "8h", "30m".
    #[arg(long, env = "SOCIAL_SESSION_IDLE", default_value = "8h", value_parser = parse_duration)]
    pub session_idle: Duration,

    /// A session ends this long after sign-in, however much it is used; at least
    /// `--session-idle`.
    #[arg(long, env = "SOCIAL_SESSION_MAX", default_value = "12h", value_parser = parse_duration)]
    pub session_max: Duration,

    /// LivePerson's agent SDK script, loaded by the framed widget before any other script:
    /// an https URL (http only on a loopback host) or an absolute path on this server.
    #[arg(long, env = "SOCIAL_LIVEPERSON_SDK", value_parser = ScriptSource::parse)]
    pub liveperson_sdk: Option<ScriptSource>,

    /// With `--demo`: serve a pretend agent workspace on this port (same host) that frames
    /// the widget; its origin may frame the widget.
    #[arg(long, env = "SOCIAL_DEV_WORKSPACE_PORT")]
    pub dev_workspace_port: Option<u16>,

    /// The Meta app's secret: `POST /webhooks/facebook` must be signed with it
    /// (`X-Hub-Signature-256`). Without it the Facebook webhooks are off (404). Also read
    /// from FACEBOOK_APP_SECRET.
    #[arg(long, env = "SOCIAL_FACEBOOK_APP_SECRET", hide_env_values = true)]
    pub facebook_app_secret: Option<Secret>,

    /// The verify token typed into Meta's webhook settings, answered by
    /// `GET /webhooks/facebook`; goes with `--facebook-app-secret`. Also read from
    /// FACEBOOK_VERIFY_TOKEN.
    #[arg(long, env = "SOCIAL_FACEBOOK_VERIFY_TOKEN", hide_env_values = true)]
    pub facebook_verify_token: Option<Secret>,

    /// The X app's consumer secret (API key secret): signs the CRC answer and every
    /// `POST /webhooks/x`. Without it the X webhooks are off (404). Also read from
    /// X_CONSUMER_SECRET.
    #[arg(long, env = "SOCIAL_X_CONSUMER_SECRET", hide_env_values = true)]
    pub x_consumer_secret: Option<Secret>,

    /// Facebook's Graph API with its version (tests and staging point elsewhere): https, or
    /// http on a loopback host.
    #[arg(
        long,
        env = "SOCIAL_GRAPH_API_URL",
        default_value = "https://graph.facebook.com/v21.0",
        value_parser = parse_api_url
    )]
    pub graph_api_url: url::Url,

    /// X's API (v2 paths start with `/2/`): https, or http on a loopback host.
    #[arg(
        long,
        env = "SOCIAL_X_API_URL",
        default_value = "https://api.x.com",
        value_parser = parse_api_url
    )]
    pub x_api_url: url::Url,

    /// The id of this app's X webhook (registered with X's account activity API): an
    /// admin's "subscribe" on an X account subscribes it to this webhook.
    #[arg(long, env = "SOCIAL_X_WEBHOOK_ID")]
    pub x_webhook_id: Option<String>,

    /// One platform request's time limit: connecting, sending and reading the answer.
    #[arg(long, env = "SOCIAL_PLATFORM_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub platform_timeout: Duration,

    /// Tries of one platform call, the first included (1-10).
    #[arg(
        long,
        env = "SOCIAL_PLATFORM_ATTEMPTS",
        default_value_t = 3,
        value_parser = clap::value_parser!(u8).range(1..=10)
    )]
    pub platform_attempts: u8,

    /// The wait before the first retry; it doubles each time, with jitter, up to
    /// `--platform-max-wait`.
    #[arg(long, env = "SOCIAL_PLATFORM_BACKOFF", default_value = "1s", value_parser = parse_duration)]
    pub platform_backoff: Duration,

    /// The longest wait slept before a retry; a platform that accepts more only later
    /// fails the call at once, with the time it named.
    #[arg(long, env = "SOCIAL_PLATFORM_MAX_WAIT", default_value = "30s", value_parser = parse_duration)]
    pub platform_max_wait: Duration,

    /// How often the sweeper looks for messages left pending.
    #[arg(long, env = "SOCIAL_SWEEP_INTERVAL", default_value = "1m", value_parser = parse_duration)]
    pub sweep_interval: Duration,

    /// A message pending this long is settled by the sweeper (looked up on the platform);
    /// a send gives up after half of it, so the sweeper never races one.
    #[arg(long, env = "SOCIAL_SWEEP_AFTER", default_value = "5m", value_parser = parse_duration)]
    pub sweep_after: Duration,

    /// An `Idempotency-Key` whose first request has no answer after this long is abandoned
    /// (its process died, or keeping the answer failed): the next request with it runs the
    /// action again, finding what the first run stored. At least `--sweep-after` (the
    /// longest request: two sends, each given up after half of it); default a minute more.
    #[arg(long, env = "SOCIAL_IDEMPOTENCY_CLAIM_TIMEOUT", value_parser = parse_duration)]
    pub idempotency_claim_timeout: Option<Duration>,

    /// How often idempotency keys older than a day (with their answers), ended sessions,
    /// expired stream tickets and old sign-in failures are deleted.
    #[arg(long, env = "SOCIAL_PURGE_INTERVAL", default_value = "10m", value_parser = parse_duration)]
    pub purge_interval: Duration,

    /// With `--demo`: the recording platform appends each call to this JSONL file before
    /// answering it, and reads the file back at start, so what it "wrote" outlives the
    /// process (the fault test kills it).
    #[arg(long, env = "SOCIAL_RECORD_CALLS")]
    pub record_calls: Option<PathBuf>,
    /// A connection must send a request's head (line and headers) within this time, or it
    /// is closed; it also closes a keep-alive connection left idle (on HTTP/2, one that
    /// leaves a ping unanswered this long).
    #[arg(long, env = "SOCIAL_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,

    /// A request's body must arrive within this time; 408 otherwise.
    #[arg(long, env = "SOCIAL_BODY_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub body_timeout: Duration,

    /// A request must be answered within this time; 408 otherwise (an event stream only has
    /// to start within it, and an action already under way still finishes and is kept).
    #[arg(long, env = "SOCIAL_REQUEST_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Connections served at once; one more is answered 503 and closed.
    #[arg(
        long,
        env = "SOCIAL_MAX_CONNECTIONS",
        default_value_t = 1024,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_connections: u32,

    /// How long an answer to a repeated read may be given again from memory while nothing
    /// is written (SQLite only; every write ends them at once). `0` turns it off.
    #[arg(long, env = "SOCIAL_READ_CACHE_MAX_AGE", default_value = "1s", value_parser = parse_duration_or_zero)]
    pub read_cache_max_age: Duration,

    /// Serve `GET /metrics` (Prometheus) on this address, e.g. 127.0.0.1:9100; off unless
    /// given. Never on the public listener.
    #[arg(long, env = "SOCIAL_METRICS_ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,

    /// `text` for people, `json` for a log collector (one object per line, with the
    /// request id).
    #[arg(long, env = "SOCIAL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The webhook secrets' environment names as Meta's and X's documentation write them,
/// read when neither the flag nor the `SOCIAL_*` variable is set.
const PLAIN_ENV: [&str; 3] = [
    "FACEBOOK_APP_SECRET",
    "FACEBOOK_VERIFY_TOKEN",
    "X_CONSUMER_SECRET",
];

impl Config {
    /// The command line and the environment, as `main` reads them.
    pub fn load() -> Self {
        Self::parse().with_plain_env(|name| std::env::var(name).ok())
    }

    /// Fills a webhook secret that is still unset from [`PLAIN_ENV`] (`env` looks a name up;
    /// an empty value counts as unset).
    pub fn with_plain_env(mut self, env: impl Fn(&str) -> Option<String>) -> Self {
        let [app_secret, verify_token, consumer_secret] = PLAIN_ENV;
        let read = |name: &str| env(name).and_then(|value| value.parse::<Secret>().ok());
        self.facebook_app_secret = self.facebook_app_secret.or_else(|| read(app_secret));
        self.facebook_verify_token = self.facebook_verify_token.or_else(|| read(verify_token));
        self.x_consumer_secret = self.x_consumer_secret.or_else(|| read(consumer_secret));
        self
    }

    /// What no single flag can check: the flags that go together.
    pub fn validate(&self) -> Result<(), String> {
        match (&self.facebook_app_secret, &self.facebook_verify_token) {
            (Some(_), None) => {
                return Err(
                    "--facebook-app-secret needs --facebook-verify-token: Meta checks \
                     the callback URL with the verify token before it sends any event"
                        .into(),
                )
            }
            (None, Some(_)) => {
                return Err(
                    "--facebook-verify-token needs --facebook-app-secret: without it no \
                     delivery can be verified"
                        .into(),
                )
            }
            _ => {}
        }
        if self.session_idle > self.session_max {
            return Err(format!(
                "--session-idle ({}) is longer than --session-max ({}): a session would end at \
                 the maximum before it could sit idle that long",
                humantime::format_duration(self.session_idle),
                humantime::format_duration(self.session_max)
            ));
        }
        let one_call = self.platform_timeout + self.platform_max_wait;
        if self.sweep_after < one_call * 2 {
            return Err(format!(
                "--sweep-after ({}) is shorter than twice --platform-timeout plus \
                 --platform-max-wait ({}): a send gives up after half of --sweep-after, \
                 which must leave room for at least one call",
                humantime::format_duration(self.sweep_after),
                humantime::format_duration(one_call * 2)
            ));
        }
        if self.claim_timeout() < self.sweep_after {
            return Err(format!(
                "--idempotency-claim-timeout ({}) is shorter than --sweep-after ({}): a \
                 request still sending could be run a second time",
                humantime::format_duration(self.claim_timeout()),
                humantime::format_duration(self.sweep_after)
            ));
        }
        if self.record_calls.is_some() && !self.demo {
            return Err("--record-calls needs --demo: only the demo records calls".into());
        }
        if self.demo && !crate::demo_guard::is_loopback(&self.host) {
            return Err(format!(
                "--demo signs anyone in as any demo agent or admin: it listens only on a \
                 loopback --host (127.0.0.1, ::1 or localhost), not {:?}",
                self.host
            ));
        }
        if let Some(port) = self.dev_workspace_port {
            if !self.demo {
                return Err(
                    "--dev-workspace-port needs --demo: the dev workspace signs in \
                     as a demo agent and shows the demo data"
                        .into(),
                );
            }
            if port != 0 && port == self.port {
                return Err(format!(
                    "--dev-workspace-port {port} is the server's own --port: give another one"
                ));
            }
        }
        Ok(())
    }
}

impl Config {
    /// `--idempotency-claim-timeout`, or its default: a minute above `--sweep-after`.
    pub fn claim_timeout(&self) -> Duration {
        self.idempotency_claim_timeout
            .unwrap_or(self.sweep_after + Duration::from_secs(60))
    }
}

/// A duration as people write it ("8h", "90m", "1h 30m"), more than zero.
fn parse_duration(value: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(value.trim()).map_err(|error| {
        format!("{value:?} is not a duration ({error}); write e.g. \"8h\" or \"45m\"")
    })?;
    if duration.is_zero() {
        return Err("give a duration longer than zero".into());
    }
    Ok(duration)
}

/// [`parse_duration`], where `0` means "off".
fn parse_duration_or_zero(value: &str) -> Result<Duration, String> {
    if value.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    parse_duration(value)
}

/// Where a script comes from, as a page's `<script src>` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptSource {
    /// Another origin's script.
    Url(url::Url),
    /// A path on this server (`'self'` in the CSP covers it).
    Path(String),
}

impl ScriptSource {
    /// Reads `--liveperson-sdk` (see [`parse_script_source`]).
    pub fn parse(value: &str) -> Result<Self, String> {
        parse_script_source(value)
    }

    /// The `src` attribute's value; safe inside double quotes (see [`parse_script_source`]).
    pub fn src(&self) -> &str {
        match self {
            ScriptSource::Url(url) => url.as_str(),
            ScriptSource::Path(path) => path,
        }
    }

    /// What `script-src` needs besides `'self'`: the URL without its query (CSP source
    /// expressions have none, and match the path exactly).
    pub fn csp_source(&self) -> Option<String> {
        match self {
            ScriptSource::Url(url) => {
                let mut bare = url.clone();
                bare.set_query(None);
                Some(bare.to_string())
            }
            ScriptSource::Path(_) => None,
        }
    }
}

/// An https URL, an http URL of a loopback host (a local stand-in), or an absolute path.
/// Quotes, spaces, `<>`, `;` and `,` are refused: the value goes into an HTML attribute
/// and a CSP header, and must not end either early.
fn parse_script_source(value: &str) -> Result<ScriptSource, String> {
    let value = value.trim();
    if let Some(bad) = value.chars().find(|c| {
        matches!(c, '"' | '\'' | '`' | '<' | '>' | ';' | ',' | '\\')
            || c.is_whitespace()
            || c.is_control()
            || !c.is_ascii()
    }) {
        return Err(format!("{bad:?} has no place in a script URL"));
    }
    if value.starts_with('/') {
        if value.starts_with("//") {
            return Err("give the scheme: https://… (or an absolute path, one leading /)".into());
        }
        return Ok(ScriptSource::Path(value.to_owned()));
    }
    let url = url::Url::parse(value)
        .map_err(|error| format!("{value:?} is neither a URL nor an absolute path ({error})"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a script URL carries no user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("a script URL has no #fragment".into());
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(ScriptSource::Url(url)),
        "http" if loopback => Ok(ScriptSource::Url(url)),
        "http" => Err("an http script URL is allowed only for a loopback host; use https".into()),
        other => Err(format!(
            "{other}: URLs are not scripts a page may load; use https"
        )),
    }
}

/// A platform API's base URL: https, or http on a loopback host (a local stand-in: tokens
/// never travel in clear to another machine); no credentials, query or fragment.
fn parse_api_url(value: &str) -> Result<url::Url, String> {
    let mut url = url::Url::parse(value.trim())
        .map_err(|error| format!("{value:?} is not a URL ({error})"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("an API URL carries no user name or password".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("an API URL has no query or fragment".into());
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err("an http API URL is allowed only for a loopback host; use https".into())
        }
        other => return Err(format!("{other}: not an API URL; use https")),
    }
    // Paths are appended segment by segment: no trailing slash.
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
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
        assert_eq!(config.session_idle, Duration::from_secs(8 * 3600));
        assert_eq!(config.session_max, Duration::from_secs(12 * 3600));
        assert_eq!(config.liveperson_sdk, None);
        assert_eq!(config.dev_workspace_port, None);
        assert_eq!(
            config.graph_api_url.as_str(),
            "https://graph.facebook.com/v21.0"
        );
        assert_eq!(config.x_api_url.as_str(), "https://api.x.com/");
        assert_eq!(config.platform_timeout, Duration::from_secs(10));
        assert_eq!(config.platform_attempts, 3);
        assert_eq!(config.platform_backoff, Duration::from_secs(1));
        assert_eq!(config.platform_max_wait, Duration::from_secs(30));
        assert_eq!(config.sweep_interval, Duration::from_secs(60));
        assert_eq!(config.sweep_after, Duration::from_secs(300));
        assert_eq!(config.facebook_app_secret, None);
        assert_eq!(config.x_consumer_secret, None);
        assert_eq!(config.header_timeout, Duration::from_secs(10));
        assert_eq!(config.body_timeout, Duration::from_secs(30));
        assert_eq!(config.request_timeout, Duration::from_secs(60));
        assert_eq!(config.max_connections, 1024);
        assert_eq!(
            config.metrics_addr, None,
            "metrics are off unless asked for"
        );
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn demo_mode_listens_on_loopback_only() {
        for host in ["0.0.0.0", "::", "192.168.1.10", "example.com"] {
            let error = parse(&["--demo", "--host", host]).expect_err(host);
            assert!(error.contains("loopback --host"), "{error}");
        }
        for host in ["127.0.0.1", "::1", "localhost"] {
            assert!(parse(&["--demo", "--host", host]).is_ok(), "{host}");
        }
        assert!(parse(&["--host", "0.0.0.0"]).is_ok(), "without --demo");
    }

    #[test]
    fn bounds_and_the_log_format_are_read() {
        let config = parse(&[
            "--header-timeout",
            "2s",
            "--max-connections",
            "5",
            "--metrics-addr",
            "127.0.0.1:9100",
            "--log-format",
            "json",
        ])
        .expect("parses");
        assert_eq!(config.header_timeout, Duration::from_secs(2));
        assert_eq!(config.max_connections, 5);
        assert_eq!(
            config.metrics_addr,
            Some("127.0.0.1:9100".parse().expect("an address"))
        );
        assert_eq!(config.log_format, LogFormat::Json);
        assert!(parse(&["--max-connections", "0"]).is_err());
    }

    #[test]
    fn the_read_cache_is_on_for_a_second_unless_turned_off_with_zero() {
        let read = |args: &[&str]| parse(args).map(|config| config.read_cache_max_age);
        assert_eq!(read(&[]).expect("parses"), Duration::from_secs(1));
        assert_eq!(
            read(&["--read-cache-max-age", "0"]).expect("parses"),
            Duration::ZERO
        );
        assert_eq!(
            read(&["--read-cache-max-age", "250ms"]).expect("parses"),
            Duration::from_millis(250)
        );
        assert!(read(&["--read-cache-max-age", "soon"]).is_err());
    }

    #[test]
    fn webhook_secrets_never_show_in_debug_output() {
        let config = parse(&[
            "--facebook-app-secret",
            "app-secret-value",
            "--facebook-verify-token",
            "verify-token-value",
            "--x-consumer-secret",
            "consumer-secret-value",
        ])
        .expect("parses");
        assert_eq!(
            config.facebook_app_secret.as_ref().map(Secret::expose),
            Some("app-secret-value")
        );
        let dump = format!("{config:?}");
        for secret in [
            "app-secret-value",
            "verify-token-value",
            "consumer-secret-value",
        ] {
            assert!(!dump.contains(secret), "{secret} in {dump}");
        }
    }

    #[test]
    fn the_facebook_secret_and_verify_token_go_together() {
        let error = parse(&["--facebook-app-secret", "s"]).expect_err("refused");
        assert!(error.contains("needs --facebook-verify-token"), "{error}");
        let error = parse(&["--facebook-verify-token", "t"]).expect_err("refused");
        assert!(error.contains("needs --facebook-app-secret"), "{error}");
        assert!(parse(&["--facebook-app-secret", ""]).is_err(), "empty");
    }

    #[test]
    fn plain_environment_names_fill_only_what_is_unset() {
        let env = |name: &str| match name {
            "FACEBOOK_APP_SECRET" => Some("plain-app".to_owned()),
            "FACEBOOK_VERIFY_TOKEN" => Some("plain-token".to_owned()),
            "X_CONSUMER_SECRET" => Some(String::new()),
            _ => None,
        };
        let config = Config::try_parse_from(["social-server", "--facebook-app-secret", "flag-app"])
            .expect("parses")
            .with_plain_env(env);
        assert_eq!(
            config.facebook_app_secret.as_ref().map(Secret::expose),
            Some("flag-app"),
            "the flag wins"
        );
        assert_eq!(
            config.facebook_verify_token.as_ref().map(Secret::expose),
            Some("plain-token")
        );
        assert_eq!(config.x_consumer_secret, None, "empty counts as unset");
        assert_eq!(config.validate(), Ok(()));
    }

    fn parse(args: &[&str]) -> Result<Config, String> {
        let config =
            Config::try_parse_from(std::iter::once("social-server").chain(args.iter().copied()))
                .map_err(|e| e.to_string())?;
        config.validate().map(|()| config)
    }

    #[test]
    fn session_durations_are_read_as_people_write_them() {
        let config = parse(&["--session-idle", "90m", "--session-max", "1h 30m"]).expect("parses");
        assert_eq!(config.session_idle, Duration::from_secs(5400));
        assert_eq!(config.session_max, Duration::from_secs(5400));
        assert!(parse(&["--session-idle", "0s"]).is_err());
        assert!(parse(&["--session-max", "soon"]).is_err());
    }

    #[test]
    fn an_idle_time_longer_than_the_maximum_is_refused_in_words() {
        let error = parse(&["--session-idle", "13h"]).expect_err("refused");
        assert!(
            error.contains("--session-idle (13h) is longer than --session-max (12h)"),
            "{error}"
        );
    }

    #[test]
    fn api_urls_are_https_or_a_loopback_stand_in() {
        let url = |v: &str| parse_api_url(v).map(|u| u.to_string());
        assert_eq!(
            url("https://graph.example/v21.0/").as_deref(),
            Ok("https://graph.example/v21.0")
        );
        assert_eq!(
            url("http://127.0.0.1:9000").as_deref(),
            Ok("http://127.0.0.1:9000/")
        );
        for bad in [
            "http://graph.example/v21.0",
            "ftp://127.0.0.1",
            "https://user:pw@graph.example",
            "https://graph.example/?access_token=x",
            "graph.example",
        ] {
            assert!(parse_api_url(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn the_sweeper_waits_longer_than_a_send_may_take() {
        let error = parse(&["--sweep-after", "1m"]).expect_err("refused");
        assert!(error.contains("--sweep-after (1m)"), "{error}");
        let config = parse(&[
            "--sweep-after",
            "4s",
            "--platform-timeout",
            "1s",
            "--platform-max-wait",
            "1s",
        ])
        .expect("parses");
        assert_eq!(config.sweep_after, Duration::from_secs(4));
        assert!(parse(&["--platform-attempts", "0"]).is_err());
    }

    #[test]
    fn an_idempotency_claim_outlives_the_longest_request() {
        let config = parse(&[]).expect("defaults");
        assert_eq!(config.claim_timeout(), Duration::from_secs(360));
        let error = parse(&["--idempotency-claim-timeout", "1m"]).expect_err("refused");
        assert!(error.contains("--sweep-after (5m)"), "{error}");
        let config = parse(&["--idempotency-claim-timeout", "7m"]).expect("parses");
        assert_eq!(config.claim_timeout(), Duration::from_secs(420));
        assert!(parse(&["--record-calls", "calls.jsonl"]).is_err());
        assert!(parse(&["--demo", "--record-calls", "calls.jsonl"]).is_ok());
    }

    #[test]
    fn the_dev_workspace_needs_demo_mode() {
        let error = parse(&["--dev-workspace-port", "8090"]).expect_err("refused");
        assert!(error.contains("needs --demo"), "{error}");
        let config = parse(&["--demo", "--dev-workspace-port", "8090"]).expect("parses");
        assert_eq!(config.dev_workspace_port, Some(8090));
        assert!(
            parse(&["--demo", "--dev-workspace-port", "8080"]).is_err(),
            "the same port"
        );
    }

    #[test]
    fn the_sdk_is_an_https_url_a_loopback_http_url_or_an_absolute_path() {
        let sdk = |value: &str| parse_script_source(value);
        let lp = sdk("https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js").expect("https");
        assert_eq!(
            lp.src(),
            "https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js"
        );
        assert_eq!(
            lp.csp_source().as_deref(),
            Some("https://lpcdn.lpsnmedia.net/webagent/client-SDK.min.js")
        );
        let versioned = sdk("https://CDN.example:443/sdk.js?v=2").expect("https");
        assert_eq!(versioned.src(), "https://cdn.example/sdk.js?v=2");
        assert_eq!(
            versioned.csp_source().as_deref(),
            Some("https://cdn.example/sdk.js")
        );
        assert!(sdk("http://127.0.0.1:9000/sdk.js").is_ok());
        assert!(sdk("http://localhost/sdk.js").is_ok());
        assert!(sdk("http://[::1]:9000/sdk.js").is_ok());
        let path = sdk("/dev-workspace/lp-agent-sdk-standin.js").expect("a path");
        assert_eq!(path.src(), "/dev-workspace/lp-agent-sdk-standin.js");
        assert_eq!(path.csp_source(), None, "'self' covers it");
        for bad in [
            "http://cdn.example/sdk.js",
            "ftp://cdn.example/sdk.js",
            "javascript:alert(1)",
            "data:text/javascript,alert(1)",
            "//cdn.example/sdk.js",
            "sdk.js",
            "https://cdn.example/sdk.js; script-src *",
            "https://cdn.example/a b.js",
            "https://cdn.example/\"onload=\"x.js",
            "/x'.js",
            "https://user:pw@cdn.example/sdk.js",
            "https://cdn.example/sdk.js#x",
            "https://cdn.example/a,b.js",
        ] {
            assert!(sdk(bad).is_err(), "{bad} was accepted");
        }
    }
}
