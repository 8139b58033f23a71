//! The PostgreSQL harness gives every test its own empty database, also when tests run at once.

use giliran_tests::pg::fresh_database;
use sqlx::{Connection, PgConnection};

/// Names of the tables users created in the database behind `conn`.
async fn user_tables(conn: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .fetch_all(conn)
    .await?)
}

#[tokio::test]
async fn two_tests_at_once_get_separate_empty_databases() -> anyhow::Result<()> {
    let (first, second) = tokio::try_join!(fresh_database(), fresh_database())?;
    assert_ne!(first, second, "each call must create its own database");

    let mut a = PgConnection::connect(&first).await?;
    let mut b = PgConnection::connect(&second).await?;
    assert!(
        user_tables(&mut a).await?.is_empty(),
        "a fresh database has no tables"
    );
    assert!(
        user_tables(&mut b).await?.is_empty(),
        "a fresh database has no tables"
    );

    sqlx::query("CREATE TABLE tickets (id BIGINT PRIMARY KEY)")
        .execute(&mut a)
        .await?;
    assert_eq!(user_tables(&mut a).await?, ["tickets"]);
    assert!(
        user_tables(&mut b).await?.is_empty(),
        "a table made in one test's database must not appear in another's"
    );

    a.close().await?;
    b.close().await?;
    Ok(())
}

/// Runs on its own runtime and thread, alongside the test above: the cluster is shared between
/// runtimes without being tied to either.
#[tokio::test]
async fn a_test_on_another_runtime_shares_the_server_but_not_the_database() -> anyhow::Result<()> {
    let url = fresh_database().await?;
    let mut conn = PgConnection::connect(&url).await?;
    assert!(
        user_tables(&mut conn).await?.is_empty(),
        "a fresh database has no tables"
    );
    let name: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut conn)
        .await?;
    assert!(
        url.ends_with(&format!("/{name}")),
        "{url} should name database {name}"
    );
    conn.close().await?;
    Ok(())
}
