//! `morgue serve`: the local web app and JSON API.

use super::common::{warn, Ctx};
use super::exit;
use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::process::ExitCode;
use std::time::Duration;

/// Serve the index as a web page and a JSON API (read-only), on this machine only by default.
///
/// The page: a search box, filters with counts, a timeline, hits with highlighted passages,
/// article and entity views, export. The API (`/api/search`, `/api/outlets`, `/api/timeline`,
/// `/api/entities`, `/api/entity`, `/api/article/ID`, `/api/copies/ID`, `/api/stats`,
/// `/api/export`) takes the CLI's option names as query parameters and answers with the CLI's
/// `--json` shapes (see the README). New commits of an ingest running in another process are
/// picked up. Stop it with Ctrl-C.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on. Anything but a loopback address makes the archive readable by
    /// other machines (a warning is printed).
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0: any free port; the URL printed says which).
    #[arg(long, value_name = "PORT", default_value_t = 7878)]
    pub port: u16,
    /// Open the page in the default web browser.
    #[arg(long)]
    pub open: bool,
    /// Longest a request may run, in seconds, before it is answered with an error (503).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_seconds)]
    pub time_limit: f64,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=86_400.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "expected a number of seconds from 0 to 86400, got {s:?}"
        )),
    }
}

/// Runs the command.
pub fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let addrs: Vec<SocketAddr> = (args.host.as_str(), args.port)
        .to_socket_addrs()
        .map_err(|e| morgue::Error::BadOption {
            option: "--host".into(),
            message: format!("{}: {e}", args.host),
        })?
        .collect();
    if addrs.iter().any(|a| !a.ip().is_loopback()) {
        warn(&format!(
            "warning: listening on {}, which other machines can reach: anyone who can connect \
             can read the whole archive (the default, 127.0.0.1, keeps it on this machine)",
            args.host
        ));
    }
    // On first use of the default index, this builds it from the bundled seeds (the handle
    // itself is not the one used).
    drop(std::mem::ManuallyDrop::into_inner(ctx.open_index()?));
    let app = morgue::server::App::open(&morgue::server::ServeOptions {
        index: ctx.index.clone(),
        aliases: ctx.aliases.clone(),
        time_limit: Duration::from_secs_f64(args.time_limit),
    })?;
    let listener = TcpListener::bind(&addrs[..]).map_err(|e| morgue::Error::BadOption {
        option: "--host/--port".into(),
        message: format!("cannot listen on {}:{}: {e}", args.host, args.port),
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| morgue::Error::io("<listener>", e))?;
    let url = page_url(local);
    super::common::print(&format!(
        "morgue: serving {} at {url} (Ctrl-C stops it)\n",
        ctx.index.display()
    ))?;
    if args.open {
        open_browser(&url);
    }
    morgue::server::serve(listener, app)?;
    Ok(ExitCode::from(exit::OK))
}

/// The page's URL for the address listened on (an unspecified address is reached through
/// loopback on this machine).
fn page_url(a: SocketAddr) -> String {
    let ip = match a.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, a.port()))
}

/// Opens `url` with the system's opener; says so when it cannot.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        warn(&format!(
            "cannot open a browser ({opener}: {e}); open {url} yourself"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;

    #[test]
    fn defaults_are_loopback_and_7878() {
        let cli = Cli::try_parse_from(["morgue", "serve"]).unwrap();
        let Command::Serve(a) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(
            (a.host.as_str(), a.port, a.open),
            ("127.0.0.1", 7878, false)
        );
        assert!(Cli::try_parse_from(["morgue", "serve", "--time-limit", "-1"]).is_err());
    }

    #[test]
    fn the_url_of_an_unspecified_address_is_loopback() {
        assert_eq!(
            page_url("0.0.0.0:8080".parse().unwrap()),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(page_url("[::]:80".parse().unwrap()), "http://[::1]:80/");
    }
}
