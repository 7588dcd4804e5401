//! `social-server`: parse the configuration, start logging, serve until Ctrl-C or SIGTERM.

use social_server::{app, config::Config, logging};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::load();
    let subscriber = logging::subscriber(
        config.log_format,
        logging::filter_from_env(),
        std::io::stdout,
    );
    if let Err(error) = tracing::subscriber::set_global_default(subscriber) {
        eprintln!("social-server: cannot start logging: {error}");
    }
    match app::serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "social-server stopped");
            eprintln!("social-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
