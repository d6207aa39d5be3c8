//! The command line: `crm-emulator [serve] FLAGS`, `sign`, `rules`, `healthcheck`,
//! `coverage`
//! (`docs/running.md#subcommands`).
//!
//! Only `main` reads it; the serve flags themselves are [`Config`], which tests and
//! embedders build without a command line.

use clap::{Parser, Subcommand};

use crate::{
    config::Config, coverage_cli::CoverageArgs, healthcheck::HealthcheckArgs, sign::SignArgs,
};

/// The whole command line.
#[derive(Parser, Debug)]
#[command(
    name = "crm-emulator",
    version,
    about = "A stateful emulator of the DingTalk-style and OpenAPI-style CRM HTTP APIs",
    long_about = "A stateful emulator of the DingTalk-style (/gettoken, /crm/...) and OpenAPI-style \
                  (/openapi/crm/...) CRM HTTP APIs, with a control plane under /_emulator/. \
                  Without a subcommand it serves (same as `crm-emulator serve`).",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// `serve`, `sign`, `rules`, `healthcheck` or `coverage`; none means `serve`.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The serve flags, when given without the `serve` subcommand.
    #[command(flatten)]
    pub serve: Config,
}

/// What `crm-emulator` was asked to do.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the emulator (the default when no subcommand is given).
    Serve(Config),
    /// Print the four OpenAPI auth headers for a request, and a ready curl command.
    Sign(SignArgs),
    /// Print the rulebook as Markdown (docs/rules.md is this output).
    Rules {
        /// Print only the README's list of the guesses enforced for every tenant.
        #[arg(long)]
        always: bool,
    },
    /// Exit 0 if the emulator listening on --bind (CRM_EMULATOR_BIND, as for serve)
    /// answers /_emulator/live with 200 (for container health checks).
    Healthcheck(HealthcheckArgs),
    /// Print a running emulator's integration coverage report and exit 1 when a
    /// threshold or a required outcome is not met, 2 when it cannot be had
    /// (docs/coverage.md).
    Coverage(CoverageArgs),
}

impl Cli {
    /// The serve configuration, whichever way it was spelled on the command line, or
    /// the other subcommand given.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_subcommand_and_bare_flags_are_the_same() {
        for args in [
            &["crm-emulator", "--token-ttl", "5"][..],
            &["crm-emulator", "serve", "--token-ttl", "5"],
        ] {
            match Cli::parse_from(args).into_command() {
                Command::Serve(config) => assert_eq!(config.token_ttl, 5),
                other => panic!("expected serve, got {other:?}"),
            }
        }
    }
}
