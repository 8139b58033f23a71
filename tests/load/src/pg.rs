//! Throwaway PostgreSQL for tests: a fresh, empty database per test, on the server in
//! `DATABASE_URL` or on a private cluster started once per test process.
//!
//! The cluster lives in a temporary directory and listens on a free port of 127.0.0.1 only.
//! Rust never drops statics, so a small detached watchdog stops the server and removes the
//! directory once the test process has exited, however it exits.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tokio::sync::OnceCell;
use url::Url;

/// How long the cluster may take to accept connections after it was started.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The user `initdb` and `postgres` run as when the tests run as root (both refuse root).
const SERVER_USER_WHEN_ROOT: &str = "postgres";

/// The one cluster of this test process, or why it could not be started.
///
/// Holds plain data only: every `#[tokio::test]` has its own runtime, so nothing bound to a
/// runtime (a pool, a connection) may be shared between tests. A failure is kept too, so that
/// the other tests report it at once instead of each running `initdb` again.
static CLUSTER: OnceCell<Result<Cluster, String>> = OnceCell::const_new();

/// A running throwaway cluster of this process: the shared one of [`fresh_database`], or a
/// private one a fault test stops and starts. Dropping it stops it and removes its files; the
/// watchdog does the same for one never dropped.
pub struct Cluster {
    /// URL of the cluster's `postgres` database, where new databases are created from.
    admin_url: String,
    bin: PathBuf,
    run_as: RunAs,
    root: PathBuf,
    data: PathBuf,
    log: PathBuf,
}

/// Whether a cluster may lose its last commits in a crash of the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `fsync = off`: for functional tests, whose clusters never outlive a crash.
    Fast,
    /// PostgreSQL's defaults (fsync, synchronous commit): what a hospital runs, so what a
    /// benchmark must measure.
    Durable,
}

/// URL of a fresh, empty database (its own `CREATE DATABASE`) for one test.
/// Uses the server in `DATABASE_URL` when that is set (and is a postgres:// URL);
/// otherwise a throwaway cluster started once per test process.
pub async fn fresh_database() -> anyhow::Result<String> {
    match external_server_url()? {
        Some(url) => {
            let name = format!("giliran_test_{}", uuid::Uuid::new_v4().simple());
            create_database_on_external(url, &name, "DATABASE_URL").await
        }
        None => {
            let cluster = CLUSTER
                .get_or_init(|| async {
                    Cluster::start(Durability::Fast)
                        .await
                        .map_err(|e| format!("{e:#}"))
                })
                .await
                .as_ref()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            cluster.fresh_database().await
        }
    }
}

/// URL of a fresh, empty database on the PostgreSQL server of `server_url` (any database of it).
pub async fn fresh_database_on(server_url: &str) -> anyhow::Result<String> {
    let url = Url::parse(server_url).context("not a valid postgres:// URL")?;
    let name = format!("giliran_load_{}", uuid::Uuid::new_v4().simple());
    create_database_on_external(url, &name, "--postgres-url").await
}

/// Refreshes the planner's statistics of the run's database, as after any bulk load. A bench
/// fills an empty `tickets` table within seconds, faster than autovacuum looks (once a minute),
/// and PostgreSQL would plan the next scenario's queries for the empty table it last saw.
pub async fn analyze(database_url: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(database_url)
        .await
        .with_context(|| format!("could not connect to {}", redacted(database_url)))?;
    sqlx::query("ANALYZE")
        .execute(&mut conn)
        .await
        .context("ANALYZE failed")?;
    conn.close()
        .await
        .context("could not close the connection")?;
    Ok(())
}

/// Whether a database URL names PostgreSQL (anything else is a SQLite path).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The server given in `DATABASE_URL`, when it names a PostgreSQL server.
fn external_server_url() -> anyhow::Result<Option<Url>> {
    let Ok(raw) = std::env::var("DATABASE_URL") else {
        return Ok(None);
    };
    if !is_postgres_url(&raw) {
        return Ok(None);
    }
    let url = Url::parse(&raw).context("DATABASE_URL is not a valid postgres:// URL")?;
    Ok(Some(url))
}

/// Creates `name` on the server of `url`, which the user gave as `given_as` (`DATABASE_URL`,
/// `--postgres-url`), and returns that URL pointed at it.
async fn create_database_on_external(
    url: Url,
    name: &str,
    given_as: &str,
) -> anyhow::Result<String> {
    match create_database(url.as_str(), name).await {
        Ok(()) => {}
        Err(e) if is_insufficient_privilege(&e) => bail!(
            "role {role:?} of {given_as} may not create databases; grant it with \
             `ALTER ROLE \"{role}\" CREATEDB`, or leave {given_as} out to use a throwaway \
             cluster: {e:#}",
            role = url.username(),
        ),
        Err(e) => {
            return Err(e).context(format!(
                "could not create a database on the server in {given_as}"
            ));
        }
    }
    with_database(url.as_str(), name)
}

/// Whether `error` is PostgreSQL's `insufficient_privilege` (SQLSTATE 42501).
fn is_insufficient_privilege(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
        .filter_map(|e| e.as_database_error())
        .any(|e| e.code().as_deref() == Some("42501"))
}

/// Runs `CREATE DATABASE name` over a short-lived connection to `admin_url`.
async fn create_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("could not connect to {}", redacted(admin_url)))?;
    // `name` is ours (a prefix and a UUID), never input, so it is safe to splice in.
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .with_context(|| format!("CREATE DATABASE {name} failed"))?;
    conn.close()
        .await
        .context("could not close the admin connection")?;
    Ok(())
}

/// `url` with its database replaced by `name`, keeping user, host and parameters.
fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let mut url = Url::parse(url).with_context(|| format!("bad database URL {}", redacted(url)))?;
    url.set_path(&format!("/{name}"));
    Ok(url.into())
}

/// `url` without its password, for error messages.
fn redacted(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Only fails for URLs that cannot have a password, which this one has.
                let _ = parsed.set_password(Some("***"));
            }
            parsed.into()
        }
        Err(_) => "<unparsable URL>".to_owned(),
    }
}

impl Cluster {
    /// Creates, starts and waits for a cluster in a new temporary directory, with a watchdog
    /// that removes both once this process has exited.
    pub async fn start(durability: Durability) -> anyhow::Result<Cluster> {
        let bin = postgres_bin_dir()?;
        let run_as = RunAs::detect()?;

        let root = tempfile::Builder::new()
            .prefix("giliran-pg-")
            .tempdir()
            .context("could not create a temporary directory for PostgreSQL")?
            // Removal is the watchdog's job: it must outlive this process, which a drop cannot.
            .keep();
        let data = root.join("data");
        let log = root.join("server.log");
        run_as.give_ownership(&root).await?;
        spawn_watchdog(&root, &data, &run_as.command_prefix(&bin.join("pg_ctl")))?;

        let started = Instant::now();
        run_as
            .run(
                &root,
                &bin.join("initdb"),
                [
                    OsStr::new("--pgdata"),
                    data.as_os_str(),
                    OsStr::new("--username=postgres"),
                    OsStr::new("--auth=trust"),
                    OsStr::new("--encoding=UTF8"),
                    OsStr::new("--locale=C"),
                    OsStr::new("--no-sync"),
                ],
            )
            .await
            .context("initdb failed")?;

        // Settings go into postgresql.conf rather than on a command line: no quoting through
        // pg_ctl's shell, and a retry with another port just appends (the last line wins).
        let mut settings = String::from("\n# giliran test harness\n");
        settings.push_str("listen_addresses = '127.0.0.1'\n");
        let _ = writeln!(
            settings,
            "unix_socket_directories = {}",
            conf_string(&root)?
        );
        if durability == Durability::Fast {
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        settings.push_str("max_connections = 300\n");
        append_to_file(&data.join("postgresql.conf"), &settings).await?;

        // The port is free when we look, but another process may take it before the server
        // binds it; a few tries make that race harmless.
        let mut tries = 0;
        let port = loop {
            tries += 1;
            let port = free_port()?;
            append_to_file(&data.join("postgresql.conf"), &format!("port = {port}\n")).await?;
            match pg_ctl_start(&run_as, &bin, &root, &data, &log).await {
                Ok(()) => break port,
                Err(e) if tries >= 3 => {
                    bail!("could not start PostgreSQL: {e:#}\n{}", log_tail(&log))
                }
                Err(_) => continue,
            }
        };

        let admin_url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        if let Err(e) = wait_for_connections(&admin_url).await {
            bail!("{e:#}\n{}", log_tail(&log));
        }
        eprintln!(
            "giliran-tests: PostgreSQL on 127.0.0.1:{port} ready in {:.1?} ({})",
            started.elapsed(),
            root.display()
        );
        Ok(Cluster {
            admin_url,
            bin,
            run_as,
            root,
            data,
            log,
        })
    }

    /// URL of the cluster's `postgres` database.
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// URL of a new, empty database of this cluster.
    pub async fn fresh_database(&self) -> anyhow::Result<String> {
        let name = format!("giliran_test_{}", uuid::Uuid::new_v4().simple());
        create_database(&self.admin_url, &name)
            .await
            .context("could not create a database on the throwaway PostgreSQL cluster")?;
        with_database(&self.admin_url, &name)
    }

    /// Stops the server the way an administrator's restart does: connections are cut, open
    /// transactions roll back, committed ones stay.
    pub async fn stop(&self) -> anyhow::Result<()> {
        self.run_as
            .run(
                &self.root,
                &self.bin.join("pg_ctl"),
                [
                    OsStr::new("stop"),
                    OsStr::new("--mode=fast"),
                    OsStr::new("--wait"),
                    OsStr::new("--pgdata"),
                    self.data.as_os_str(),
                ],
            )
            .await
            .context("pg_ctl stop failed")
    }

    /// Starts the stopped server again on the same port.
    pub async fn start_again(&self) -> anyhow::Result<()> {
        pg_ctl_start(&self.run_as, &self.bin, &self.root, &self.data, &self.log).await?;
        wait_for_connections(&self.admin_url).await
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut words = self
            .run_as
            .command_prefix(&self.bin.join("pg_ctl"))
            .into_iter();
        let first = words.next().unwrap_or_default();
        let _ = std::process::Command::new(first)
            .args(words)
            .args(["stop", "--mode=immediate", "--wait", "--pgdata"])
            .arg(&self.data)
            .current_dir(&self.root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Starts the server with `pg_ctl`, which waits until the server reports it is ready.
async fn pg_ctl_start(
    run_as: &RunAs,
    bin: &Path,
    root: &Path,
    data: &Path,
    log: &Path,
) -> anyhow::Result<()> {
    let timeout = START_TIMEOUT.as_secs().to_string();
    // `--log` sends the server's output to a file, so it never holds the test's stdout open.
    run_as
        .run(
            root,
            &bin.join("pg_ctl"),
            [
                OsStr::new("start"),
                OsStr::new("--wait"),
                OsStr::new("--timeout"),
                OsStr::new(&timeout),
                OsStr::new("--pgdata"),
                data.as_os_str(),
                OsStr::new("--log"),
                log.as_os_str(),
            ],
        )
        .await
        .context("pg_ctl start failed")
}

/// Waits until `admin_url` accepts a connection, for at most [`START_TIMEOUT`].
async fn wait_for_connections(admin_url: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match PgConnection::connect(admin_url).await {
            Ok(conn) => {
                conn.close()
                    .await
                    .context("could not close the first connection")?;
                return Ok(());
            }
            Err(e) if Instant::now() >= deadline => {
                return Err(e).context(format!(
                    "PostgreSQL did not accept connections within {START_TIMEOUT:?}"
                ));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Directory of the PostgreSQL server binaries: Debian's newest `/usr/lib/postgresql/<ver>/bin`,
/// else wherever `initdb` on `PATH` really lives.
fn postgres_bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = newest_debian_bin_dir() {
        return Ok(dir);
    }
    if let Some(initdb) = find_on_path("initdb") {
        // Follow symlinks (such as /usr/local/bin/initdb) to the directory with pg_ctl beside it.
        let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
        if let Some(dir) = real.parent() {
            return Ok(dir.to_owned());
        }
    }
    bail!(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on \
         PATH; run `scripts/test`, which installs them, or set DATABASE_URL to a postgres:// server"
    )
}

/// The `bin` directory of the highest PostgreSQL version installed the Debian way.
fn newest_debian_bin_dir() -> Option<PathBuf> {
    let entries = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version: Vec<u32> = entry
                .file_name()
                .to_str()?
                .split('.')
                .map(str::parse)
                .collect::<Result<_, _>>()
                .ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}

/// The first file called `program` in the directories of `PATH`.
fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Who the server's programs run as.
enum RunAs {
    /// The current user, who is not root.
    CurrentUser,
    /// Root, which `initdb` and `postgres` refuse: run them as this user through `runuser`.
    OtherUser(&'static str),
}

impl RunAs {
    fn detect() -> anyhow::Result<RunAs> {
        if !rustix::process::geteuid().is_root() {
            return Ok(RunAs::CurrentUser);
        }
        let user = SERVER_USER_WHEN_ROOT;
        let exists = std::process::Command::new("id")
            .arg("-u")
            .arg(user)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("could not run `id` to look up the postgres user")?
            .success();
        if !exists {
            bail!(
                "running as root, so PostgreSQL must run as user `{user}`, which does not exist; \
                 install the `postgresql` package (`scripts/test` does) or run the tests as \
                 another user"
            );
        }
        Ok(RunAs::OtherUser(user))
    }

    /// The words that run `program` as this user.
    fn command_prefix(&self, program: &Path) -> Vec<String> {
        let program = program.to_string_lossy().into_owned();
        match self {
            RunAs::CurrentUser => vec![program],
            RunAs::OtherUser(user) => {
                vec![
                    "runuser".into(),
                    "-u".into(),
                    (*user).into(),
                    "--".into(),
                    program,
                ]
            }
        }
    }

    /// Makes `dir` belong to the user the server runs as.
    async fn give_ownership(&self, dir: &Path) -> anyhow::Result<()> {
        match self {
            RunAs::CurrentUser => Ok(()),
            RunAs::OtherUser(user) => {
                let output = tokio::process::Command::new("chown")
                    .arg(format!("{user}:"))
                    .arg(dir)
                    .output()
                    .await
                    .context("could not run chown")?;
                if !output.status.success() {
                    bail!(
                        "chown of {} to {user} failed: {}",
                        dir.display(),
                        String::from_utf8_lossy(&output.stderr).trim()
                    );
                }
                Ok(())
            }
        }
    }

    /// Runs `program` with `args` as this user in `cwd`, failing with its output if it fails.
    async fn run<'a>(
        &self,
        cwd: &Path,
        program: &Path,
        args: impl IntoIterator<Item = &'a OsStr>,
    ) -> anyhow::Result<()> {
        let mut words = self.command_prefix(program).into_iter();
        let first = words.next().unwrap_or_default();
        // The server user may not be able to enter the test's working directory, and some
        // PostgreSQL versions give up when they cannot find out where they are.
        let output = tokio::process::Command::new(&first)
            .args(words)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .output()
            .await
            .with_context(|| format!("could not run {first}"))?;
        if !output.status.success() {
            bail!(
                "{} exited with {}:\n{}{}",
                program.display(),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}

/// Starts a detached process that waits for this one to exit, then stops the server in `data`
/// and removes `root`.
///
/// It has its own process group, so the Ctrl-C that ends `cargo test` does not end it before it
/// has cleaned up, and it holds none of the test's output streams open.
fn spawn_watchdog(root: &Path, data: &Path, pg_ctl: &[String]) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt as _;

    const SCRIPT: &str = r#"
test_pid=$1 root=$2 data=$3
shift 3
alive() {
    kill -0 "$test_pid" 2>/dev/null || return 1
    # A process that has exited but not been reaped by its parent still answers kill -0.
    stat=$(cat "/proc/$test_pid/stat" 2>/dev/null) || return 0
    case ${stat##*) } in Z*) return 1 ;; esac
}
while alive; do sleep 0.5; done
if [ -f "$data/postmaster.pid" ]; then
    server_pid=$(head -n 1 "$data/postmaster.pid")
    "$@" stop --mode=immediate --wait --pgdata "$data" >/dev/null 2>&1
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null
    fi
fi
rm -rf "$root"
"#;
    std::process::Command::new("sh")
        .arg("-c")
        .arg(SCRIPT)
        .arg("giliran-pg-watchdog")
        .arg(std::process::id().to_string())
        .arg(root)
        .arg(data)
        .args(pg_ctl)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .context("could not start the watchdog that stops PostgreSQL after the tests")?;
    // Not waited for: it ends only after this process has.
    Ok(())
}

/// A port on 127.0.0.1 that nothing listens on right now.
fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .context("could not bind 127.0.0.1:0 to find a free port")?;
    Ok(listener.local_addr().context("no local address")?.port())
}

/// `path` as a quoted postgresql.conf string.
fn conf_string(path: &Path) -> anyhow::Result<String> {
    let text = path
        .to_str()
        .with_context(|| format!("path is not UTF-8: {}", path.display()))?;
    Ok(format!("'{}'", text.replace('\'', "''")))
}

async fn append_to_file(path: &Path, text: &str) -> anyhow::Result<()> {
    use tokio::io::AsyncWriteExt as _;

    let mut file = tokio::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .await
        .with_context(|| format!("could not open {}", path.display()))?;
    file.write_all(text.as_bytes())
        .await
        .with_context(|| format!("could not write {}", path.display()))?;
    file.flush().await.context("could not flush")?;
    Ok(())
}

/// The last lines of the server log, to explain a failed start.
fn log_tail(log: &Path) -> String {
    match std::fs::read_to_string(log) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(20)..].join("\n");
            format!("last lines of {}:\n{tail}", log.display())
        }
        Err(e) => format!("(no server log at {}: {e})", log.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced_and_the_rest_kept() -> anyhow::Result<()> {
        let url = with_database("postgres://u:p@db.example:5433/app?sslmode=disable", "t1")?;
        assert_eq!(url, "postgres://u:p@db.example:5433/t1?sslmode=disable");
        let url = with_database("postgres://u@localhost", "t2")?;
        assert_eq!(url, "postgres://u@localhost/t2");
        Ok(())
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redacted("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
    }
}
