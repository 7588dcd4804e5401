//! `social-server`: parse the configuration, start logging, serve until Ctrl-C or SIGTERM.

use social_server::{app, config::Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::load();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("social_server=info,tower_http=warn")),
        )
        .init();
    match app::serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "social-server stopped");
            eprintln!("social-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
