use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use giliran_display::config::{Config, Flags};
use giliran_display::{app, selftest};

fn main() -> ExitCode {
    let flags = Flags::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if let Some(folder) = &flags.self_test {
        return match selftest::run(folder) {
            Ok(report) => {
                println!("self-test passed: {report}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("giliran-display: self-test failed: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::from_flags(&flags) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("giliran-display: {error}");
            return ExitCode::from(2);
        }
    };
    match app::run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("giliran-display: {error:#}");
            ExitCode::FAILURE
        }
    }
}
