//! `protocol-server`: see [`protocol_server::cli`].

use std::process::ExitCode;

use clap::Parser;
use protocol_server::cli::{self, Cli, Command};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Token(args)) => cli::create_token(&args).map(|token| println!("{token}")),
        None => cli::serve(cli.serve).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("protocol-server: {error}");
            ExitCode::FAILURE
        }
    }
}
