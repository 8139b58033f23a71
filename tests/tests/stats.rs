//! The admin's day in numbers, `GET /api/v1/admin/stats`: what a morning at the poli adds up
//! to per service, per counter, in total and per WIB hour, on SQLite and PostgreSQL.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use giliran_core::wire::{DayStats, ErrorCode, HourStats, ServiceStats, TicketView};
use giliran_server::clock::Clock;
use giliran_tests::{Backend, TestServer, monday_morning, on_both_backends};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    a_mornings_work_adds_up_per_service_counter_and_hour,
    a_requeued_no_show_waits_until_its_latest_call_and_a_transfer_starts_anew,
    yesterdays_numbers_stay_as_they_were,
    tickets_still_open_when_the_day_ends_count_as_expired_the_next_day,
    an_empty_day_gives_zeros_and_nulls,
    a_ticket_taken_in_the_last_instant_of_an_hour_counts_in_that_hour,
    only_admins_see_the_stats_and_a_bad_day_is_refused,
);

/// The Monday every test starts on (the harness's clock starts at 08:00 WIB).
fn monday() -> NaiveDate {
    "2026-11-23".parse().expect("a date")
}

/// `hh:mm` WIB on that Monday.
fn wib(hour: i64, minute: i64) -> DateTime<Utc> {
    monday_morning() + Duration::hours(hour - 8) + Duration::minutes(minute)
}

/// Moves the test's clock forward to `at`.
fn clock_to(server: &TestServer, at: DateTime<Utc>) {
    let now = server.clock.now();
    assert!(at >= now, "the clock only moves forward");
    server.clock.advance(at - now);
}

async fn stats(server: &TestServer, admin: &str, day: Option<&str>) -> DayStats {
    let path = match day {
        Some(day) => format!("/api/v1/admin/stats?day={day}"),
        None => "/api/v1/admin/stats".to_owned(),
    };
    server.get(&path, Some(admin)).await.assert_ok().json()
}

fn service<'a>(stats: &'a DayStats, code: &str) -> &'a ServiceStats {
    stats
        .services
        .iter()
        .find(|s| s.code == code)
        .unwrap_or_else(|| panic!("no service {code} in the stats"))
}

/// `(waiting, called, done, skipped, cancelled, transferred, expired, issued)`.
fn counts(s: &ServiceStats) -> (u32, u32, u32, u32, u32, u32, u32, u32) {
    (
        s.waiting,
        s.called,
        s.done,
        s.skipped,
        s.cancelled,
        s.transferred,
        s.expired,
        s.issued,
    )
}

/// The hours in which anything happened, as `(hour, issued, called)`.
fn busy_hours(per_hour: &[HourStats]) -> Vec<(u32, u32, u32)> {
    assert_eq!(
        per_hour.iter().map(|h| h.hour).collect::<Vec<_>>(),
        (0..24).collect::<Vec<_>>(),
        "24 hours in order"
    );
    per_hour
        .iter()
        .filter(|h| h.issued > 0 || h.called > 0)
        .map(|h| (h.hour, h.issued, h.called))
        .collect()
}

async fn patch_service(server: &TestServer, admin: &str, code: &str, change: serde_json::Value) {
    let id = server.service(code).await.id;
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{id}"),
            Some(admin),
            Some(change),
        )
        .await
        .assert_ok();
}

async fn call(server: &TestServer, staff: &str, counter: Uuid) -> String {
    server
        .call_next(staff, counter)
        .await
        .expect("someone waits")
        .number
}

/// Waits until the day-end sweep has written yesterday's expiries down.
async fn day_end_swept(server: &TestServer) {
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let left = server
            .store()
            .expire_past_days(server.clock.now())
            .await
            .expect("the sweep runs");
        if left == 0 {
            return;
        }
    }
    panic!("the day-end sweep did not finish");
}

async fn a_mornings_work_adds_up_per_service_counter_and_hour(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let rina = server.staff_at(&admin, "rina", &[loket1]).await;
    let agus = server.staff_at(&admin, "agus", &[loket2]).await;
    // Poli Umum takes ten patients a day; Poli Kandungan is closed today.
    patch_service(&server, &admin, "A", json!({"daily_quota": 10})).await;
    patch_service(&server, &admin, "D", json!({"open": false})).await;

    // 08:00: Siti and Budi take Poli Umum's first numbers.
    server.take("A", json!({"name": "Siti"})).await;
    server.take("A", json!({"name": "Budi"})).await;
    // 08:05: Siti is called after 5 minutes.
    clock_to(&server, wib(8, 5));
    assert_eq!(call(&server, &rina, loket1).await, "A-001");
    // 08:15: Siti's 10 minutes at the desk end; Budi is called after 15 minutes...
    clock_to(&server, wib(8, 15));
    assert_eq!(call(&server, &rina, loket1).await, "A-002");
    // ...and does not come.
    clock_to(&server, wib(8, 20));
    server
        .counter_action(&rina, loket1, "skip")
        .await
        .assert_ok();
    // 08:30: Wati takes A-003 and waits; 08:40 Joko takes A-004 and gives up at 08:45.
    clock_to(&server, wib(8, 30));
    server.take("A", json!({"name": "Wati"})).await;
    clock_to(&server, wib(8, 40));
    let joko = server.take("A", json!({"name": "Joko"})).await;
    clock_to(&server, wib(8, 45));
    server
        .send(
            Method::DELETE,
            &format!("/api/v1/tickets/{}", joko.ticket.id),
            Some(&joko.tracking_token),
            None,
        )
        .await
        .assert_ok();
    // 09:10: Ani takes B-001 at the dentist and is called after 20 minutes.
    clock_to(&server, wib(9, 10));
    server.take("B", json!({"name": "Ani"})).await;
    clock_to(&server, wib(9, 30));
    assert_eq!(call(&server, &agus, loket2).await, "B-001");

    clock_to(&server, wib(9, 40));
    let day = stats(&server, &admin, None).await;
    assert_eq!(day.day, monday(), "today's business day by default");
    assert_eq!(day.generated_at, wib(9, 40));

    assert_eq!(
        day.services
            .iter()
            .map(|s| (s.code.as_str(), s.open))
            .collect::<Vec<_>>(),
        [("A", true), ("B", true), ("C", true), ("D", false)],
        "every service by code, the closed one too"
    );
    let umum = service(&day, "A");
    assert_eq!(counts(umum), (1, 0, 1, 1, 1, 0, 0, 4));
    assert_eq!(umum.quota_left, Some(6));
    assert_eq!(
        umum.avg_wait_seconds,
        Some(600),
        "waits of 5 and 15 minutes"
    );
    assert_eq!(umum.avg_service_seconds, Some(600), "Siti's 10 minutes");
    let gigi = service(&day, "B");
    assert_eq!(counts(gigi), (0, 1, 0, 0, 0, 0, 0, 1));
    assert_eq!(gigi.quota_left, None);
    assert_eq!(gigi.avg_wait_seconds, Some(1200));
    assert_eq!(gigi.avg_service_seconds, None, "nobody done at the dentist");
    let anak = service(&day, "C");
    assert_eq!(counts(anak), (0, 0, 0, 0, 0, 0, 0, 0));
    assert_eq!(
        (anak.avg_wait_seconds, anak.avg_service_seconds),
        (None, None)
    );

    assert_eq!(
        (
            day.totals.issued,
            day.totals.waiting,
            day.totals.done,
            day.totals.skipped
        ),
        (5, 1, 1, 1)
    );
    assert_eq!(day.totals.no_show_rate, Some(0.5), "Budi of Siti and Budi");
    assert_eq!(
        day.totals.avg_wait_seconds,
        Some(800),
        "5, 15 and 20 minutes"
    );
    assert_eq!(day.totals.avg_service_seconds, Some(600));

    assert_eq!(
        day.counters.iter().map(|c| c.number).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    let desk1 = &day.counters[0];
    assert_eq!(desk1.counter_id, loket1);
    assert_eq!(desk1.current_number, None, "Budi was skipped");
    assert_eq!(
        (desk1.waiting, desk1.done, desk1.skipped),
        (1, 1, 1),
        "Wati waits for it"
    );
    let desk2 = &day.counters[1];
    assert_eq!(desk2.current_number.as_deref(), Some("B-001"));
    assert_eq!(desk2.current_called_at, Some(wib(9, 30)));
    assert_eq!((desk2.waiting, desk2.done, desk2.skipped), (0, 0, 0));
    assert!(!desk2.paused);

    assert_eq!(
        busy_hours(&day.per_hour),
        [(8, 4, 2), (9, 1, 1)],
        "hours of the day in WIB"
    );
    server.stop().await;
}

async fn a_requeued_no_show_waits_until_its_latest_call_and_a_transfer_starts_anew(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let loket3 = server.counter_id(&admin, 3).await;
    let rina = server.staff_at(&admin, "rina", &[loket1]).await;
    let agus = server.staff_at(&admin, "agus", &[loket2]).await;

    // 08:00 Siti takes A-001; called at 08:10, she is not there at 08:12.
    let siti = server.take("A", json!({"name": "Siti"})).await;
    clock_to(&server, wib(8, 10));
    assert_eq!(call(&server, &rina, loket1).await, "A-001");
    clock_to(&server, wib(8, 12));
    server
        .counter_action(&rina, loket1, "skip")
        .await
        .assert_ok();
    // 08:20 she turns up and is put back in the queue; called again at 08:30, announced once
    // more at 08:35, and done at 08:40.
    clock_to(&server, wib(8, 20));
    server
        .post(
            &format!("/api/v1/counters/{loket1}/requeue"),
            Some(&rina),
            json!({"ticket_id": siti.ticket.id}),
        )
        .await
        .assert_ok();
    clock_to(&server, wib(8, 30));
    assert_eq!(call(&server, &rina, loket1).await, "A-001");
    clock_to(&server, wib(8, 35));
    server
        .counter_action(&rina, loket1, "recall")
        .await
        .assert_ok();
    clock_to(&server, wib(8, 40));
    server
        .counter_action(&rina, loket1, "complete")
        .await
        .assert_ok();

    // 09:00 Budi takes B-001; called at 09:05, the dentist sends him on to Poli Anak at 09:10.
    clock_to(&server, wib(9, 0));
    server.take("B", json!({"name": "Budi"})).await;
    clock_to(&server, wib(9, 5));
    assert_eq!(call(&server, &agus, loket2).await, "B-001");
    clock_to(&server, wib(9, 10));
    let anak = server.service("C").await.id;
    let moved = server
        .post(
            &format!("/api/v1/counters/{loket2}/transfer"),
            Some(&agus),
            json!({"service_id": anak}),
        )
        .await;
    moved.assert_ok();
    assert_eq!(moved.json::<TicketView>().ticket.number, "C-001");

    clock_to(&server, wib(9, 15));
    let day = stats(&server, &admin, None).await;
    let umum = service(&day, "A");
    assert_eq!(counts(umum), (0, 0, 1, 0, 0, 0, 0, 1));
    assert_eq!(
        umum.avg_wait_seconds,
        Some(30 * 60),
        "from the issue at 08:00 to the latest call at 08:30; the recall does not move it"
    );
    assert_eq!(umum.avg_service_seconds, Some(10 * 60));
    let gigi = service(&day, "B");
    assert_eq!(counts(gigi), (0, 0, 0, 0, 0, 1, 0, 1));
    assert_eq!(gigi.avg_wait_seconds, Some(5 * 60));
    assert_eq!(gigi.avg_service_seconds, None);
    let anak = service(&day, "C");
    assert_eq!(
        counts(anak),
        (1, 0, 0, 0, 0, 0, 0, 1),
        "the transfer issued C-001"
    );
    assert_eq!(anak.avg_wait_seconds, None);

    assert_eq!(day.totals.issued, 3);
    assert_eq!(
        day.totals.no_show_rate,
        Some(0.0),
        "Siti came after all: no no-show is left"
    );
    assert_eq!(day.totals.avg_wait_seconds, Some((30 * 60 + 5 * 60) / 2));
    let desk = |id: Uuid| {
        day.counters
            .iter()
            .find(|c| c.counter_id == id)
            .expect("the counter")
    };
    assert_eq!(
        (desk(loket1).done, desk(loket1).skipped),
        (1, 0),
        "requeued and done"
    );
    assert_eq!(desk(loket2).current_number, None, "Budi left for Poli Anak");
    assert_eq!(desk(loket3).waiting, 1, "Budi waits for Poli Anak's room");
    assert_eq!(
        busy_hours(&day.per_hour),
        [(8, 1, 1), (9, 2, 1)],
        "Siti counts once, in the hour of her latest call; B-001 and C-001 were issued at nine"
    );
    server.stop().await;
}

async fn yesterdays_numbers_stay_as_they_were(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let rina = server.staff_at(&admin, "rina", &[loket1]).await;
    let agus = server.staff_at(&admin, "agus", &[loket2]).await;

    // A day where everyone is seen or leaves: A-001 done, A-002 cancelled, B-001 done.
    server.take("A", json!({})).await;
    let gone = server.take("A", json!({})).await;
    clock_to(&server, wib(8, 10));
    call(&server, &rina, loket1).await;
    clock_to(&server, wib(8, 25));
    server
        .counter_action(&rina, loket1, "complete")
        .await
        .assert_ok();
    server
        .send(
            Method::DELETE,
            &format!("/api/v1/tickets/{}", gone.ticket.id),
            Some(&gone.tracking_token),
            None,
        )
        .await
        .assert_ok();
    clock_to(&server, wib(9, 0));
    server.take("B", json!({})).await;
    clock_to(&server, wib(9, 20));
    call(&server, &agus, loket2).await;
    clock_to(&server, wib(9, 30));
    server
        .counter_action(&agus, loket2, "complete")
        .await
        .assert_ok();

    clock_to(&server, wib(16, 0));
    let at_closing = stats(&server, &admin, None).await;
    assert_eq!(at_closing.totals.issued, 3);

    // The next morning, after the day-end sweep.
    clock_to(&server, wib(8, 0) + Duration::days(1));
    day_end_swept(&server).await;
    let admin = server.admin().await;
    let mut next_day = stats(&server, &admin, Some("2026-11-23")).await;
    assert_eq!(next_day.generated_at, wib(8, 0) + Duration::days(1));
    next_day.generated_at = at_closing.generated_at;
    assert_eq!(next_day, at_closing, "yesterday's numbers have not moved");

    let today = stats(&server, &admin, None).await;
    assert_eq!(today.day, monday().succ_opt().expect("Tuesday"));
    assert_eq!(today.totals.issued, 0, "a new day starts empty");
    server.stop().await;
}

async fn tickets_still_open_when_the_day_ends_count_as_expired_the_next_day(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let rina = server.staff_at(&admin, "rina", &[loket1]).await;

    // A-001 is a no-show, A-002 is still at the desk and A-003 still waits when the day ends.
    for _ in 0..3 {
        server.take("A", json!({})).await;
    }
    clock_to(&server, wib(8, 10));
    call(&server, &rina, loket1).await;
    clock_to(&server, wib(8, 20));
    server
        .counter_action(&rina, loket1, "skip")
        .await
        .assert_ok();
    clock_to(&server, wib(8, 30));
    call(&server, &rina, loket1).await;

    clock_to(&server, wib(16, 0));
    let at_closing = stats(&server, &admin, None).await;
    assert_eq!(counts(service(&at_closing, "A")), (1, 1, 0, 1, 0, 0, 0, 3));
    assert_eq!(at_closing.totals.no_show_rate, Some(1.0));
    assert_eq!(
        at_closing.counters[0].current_number.as_deref(),
        Some("A-002")
    );

    clock_to(&server, wib(8, 0) + Duration::days(1));
    day_end_swept(&server).await;
    let admin = server.admin().await;
    let next_day = stats(&server, &admin, Some("2026-11-23")).await;
    let umum = service(&next_day, "A");
    assert_eq!(
        counts(umum),
        (0, 0, 0, 0, 0, 0, 3, 3),
        "open tickets expired with their day"
    );
    assert_eq!(
        umum.avg_wait_seconds,
        service(&at_closing, "A").avg_wait_seconds,
        "the waits happened all the same"
    );
    assert_eq!(umum.avg_wait_seconds, Some((10 * 60 + 30 * 60) / 2));
    assert_eq!(next_day.per_hour, at_closing.per_hour);
    assert_eq!(next_day.totals.no_show_rate, None);
    let desk = &next_day.counters[0];
    assert_eq!(
        (desk.current_number.as_deref(), desk.waiting, desk.skipped),
        (None, 0, 0)
    );
    server.stop().await;
}

async fn an_empty_day_gives_zeros_and_nulls(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    patch_service(&server, &admin, "C", json!({"daily_quota": 40})).await;
    // A patient today does not show on other days.
    server.take("A", json!({})).await;

    for (asked, day) in [
        (None, None),
        (Some("2026-11-24"), "2026-11-24".parse().ok()),
        (Some("2031-01-01"), "2031-01-01".parse().ok()),
        (Some("2025-06-01"), "2025-06-01".parse().ok()),
    ] {
        let mut stats = stats(&server, &admin, asked).await;
        if asked.is_none() {
            // Today, less its one ticket.
            assert_eq!(stats.day, monday());
            let umum = &mut stats.services[0];
            assert_eq!((umum.waiting, umum.issued), (1, 1));
            (umum.waiting, umum.issued) = (0, 0);
            stats.totals.issued = 0;
            stats.totals.waiting = 0;
            stats.counters[0].waiting = 0;
            stats.per_hour[8].issued = 0;
        } else {
            assert_eq!(Some(stats.day), day);
        }
        assert_eq!(stats.services.len(), 4);
        for s in &stats.services {
            assert_eq!(counts(s), (0, 0, 0, 0, 0, 0, 0, 0), "{asked:?} {}", s.code);
            assert_eq!((s.avg_wait_seconds, s.avg_service_seconds), (None, None));
        }
        assert_eq!(
            stats
                .services
                .iter()
                .map(|s| s.quota_left)
                .collect::<Vec<_>>(),
            [None, None, Some(40), None],
            "a whole quota is left"
        );
        let t = &stats.totals;
        assert_eq!((t.issued, t.waiting, t.done, t.skipped), (0, 0, 0, 0));
        assert_eq!(
            (t.no_show_rate, t.avg_wait_seconds, t.avg_service_seconds),
            (None, None, None)
        );
        assert_eq!(stats.counters.len(), 4);
        for c in &stats.counters {
            assert_eq!(
                (
                    c.current_number.as_deref(),
                    c.current_called_at,
                    c.waiting,
                    c.done,
                    c.skipped
                ),
                (None, None, 0, 0, 0)
            );
        }
        assert_eq!(busy_hours(&stats.per_hour), []);
    }
    server.stop().await;
}

async fn a_ticket_taken_in_the_last_instant_of_an_hour_counts_in_that_hour(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    clock_to(&server, wib(9, 0) - Duration::microseconds(400));
    server.take("A", json!({})).await;
    clock_to(&server, wib(9, 0));
    server.take("A", json!({})).await;
    let day = stats(&server, &admin, None).await;
    assert_eq!(busy_hours(&day.per_hour), [(8, 1, 0), (9, 1, 0)]);
    server.stop().await;
}

async fn only_admins_see_the_stats_and_a_bad_day_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let rina = server.staff_at(&admin, "rina", &[loket1]).await;

    server
        .get("/api/v1/admin/stats", Some(&rina))
        .await
        .assert_error(403, ErrorCode::Forbidden);
    server
        .get("/api/v1/admin/stats", None)
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    server
        .get("/api/v1/admin/stats?day=kemarin", None)
        .await
        .assert_error(401, ErrorCode::Unauthorized);

    for bad in [
        "kemarin",
        "2026-13-01",
        "2026-11-31",
        "23-11-2026",
        "2026-11-23T08:00:00Z",
        "%2B2026-11-23",
        "-0001-01-01",
        "",
    ] {
        let reply = server
            .get(&format!("/api/v1/admin/stats?day={bad}"), Some(&admin))
            .await;
        reply.assert_error(400, ErrorCode::InvalidParameter);
        let body = reply.body.as_object().expect("a JSON object");
        assert_eq!(
            body.keys().collect::<Vec<_>>(),
            ["error"],
            "{bad:?}: the contract's error body"
        );
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("YYYY-MM-DD")),
            "{bad:?}: the message says what a day looks like: {}",
            reply.body
        );
    }
    server.stop().await;
}

/// What the stats cost on a busy day: 10 000 tickets today over a month of 10 000-ticket days.
/// Prints timings, asserts none (DESIGN §6). Run with
/// `cargo test -p giliran-tests --test stats -- --ignored --nocapture`.
mod cost {
    use std::time::{Duration as Elapsed, Instant};

    use chrono::{DateTime, Days, NaiveDate, Utc};
    use giliran_tests::{Backend, TestServer};

    const TICKETS_PER_SERVICE: i64 = 2_500;
    const HISTORY_DAYS: u64 = 30;
    const CALLS: usize = 20;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement, not a check: run it with --ignored --nocapture"]
    async fn sqlite() {
        measure(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement, not a check: run it with --ignored --nocapture"]
    async fn postgres() {
        measure(Backend::Postgres).await;
    }

    /// Each seeded day: 2 500 tickets in each of the four services, one every 8 seconds from
    /// 08:00 WIB; 60 % done, 10 % skipped, 10 % cancelled, 20 % still waiting (expired on
    /// past days).
    const SEED_SQLITE: &str = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $4 - 1) \
        INSERT INTO tickets (id, visit_id, service_id, business_day, sequence, number, status, priority, \
          tracking_token_hash, counter_id, issued_at, queued_at, called_at, finished_at) \
        SELECT randomblob(16), randomblob(16), s.id, $1, n.i + 1, s.code || '-' || printf('%03d', n.i + 1), \
          CASE WHEN n.i % 10 < 6 THEN 'done' WHEN n.i % 10 = 6 THEN 'skipped' \
               WHEN n.i % 10 = 7 THEN 'cancelled' ELSE $3 END, \
          'regular', randomblob(32), \
          CASE WHEN n.i % 10 < 7 THEN (SELECT cs.counter_id FROM counter_services cs WHERE cs.service_id = s.id LIMIT 1) END, \
          strftime('%Y-%m-%dT%H:%M:%S+00:00', $2, '+' || (n.i * 8) || ' seconds'), \
          strftime('%Y-%m-%dT%H:%M:%S+00:00', $2, '+' || (n.i * 8) || ' seconds'), \
          CASE WHEN n.i % 10 < 7 THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', $2, '+' || (n.i * 8 + 600 + (n.i % 7) * 60) || ' seconds') END, \
          CASE WHEN n.i % 10 < 8 THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', $2, '+' || (n.i * 8 + 900 + (n.i % 7) * 60) || ' seconds') END \
        FROM services s CROSS JOIN n";

    const SEED_POSTGRES: &str = "INSERT INTO tickets (id, visit_id, service_id, business_day, sequence, number, status, priority, \
          tracking_token_hash, counter_id, issued_at, queued_at, called_at, finished_at) \
        SELECT gen_random_uuid(), gen_random_uuid(), s.id, $1, n.i + 1, s.code || '-' || lpad((n.i + 1)::text, 3, '0'), \
          CASE WHEN n.i % 10 < 6 THEN 'done' WHEN n.i % 10 = 6 THEN 'skipped' \
               WHEN n.i % 10 = 7 THEN 'cancelled' ELSE $3 END, \
          'regular', decode('00', 'hex'), \
          CASE WHEN n.i % 10 < 7 THEN (SELECT cs.counter_id FROM counter_services cs WHERE cs.service_id = s.id LIMIT 1) END, \
          $2 + n.i * interval '8 seconds', $2 + n.i * interval '8 seconds', \
          CASE WHEN n.i % 10 < 7 THEN $2 + (n.i * 8 + 600 + (n.i % 7) * 60) * interval '1 second' END, \
          CASE WHEN n.i % 10 < 8 THEN $2 + (n.i * 8 + 900 + (n.i % 7) * 60) * interval '1 second' END \
        FROM services s CROSS JOIN generate_series(0, $4 - 1) AS n(i)";

    async fn seed(server: &TestServer, days: &[(NaiveDate, DateTime<Utc>, &str)]) {
        match server.backend {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&server.database_url)
                    .busy_timeout(Elapsed::from_secs(30));
                let pool = sqlx::SqlitePool::connect_with(options)
                    .await
                    .expect("sqlite");
                let mut tx = pool.begin().await.expect("a transaction");
                for (day, start, open) in days {
                    sqlx::query(SEED_SQLITE)
                        .bind(day)
                        .bind(start)
                        .bind(open)
                        .bind(TICKETS_PER_SERVICE)
                        .execute(&mut *tx)
                        .await
                        .expect("seeding");
                }
                tx.commit().await.expect("seeded");
                pool.close().await;
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&server.database_url)
                    .await
                    .expect("postgres");
                for (day, start, open) in days {
                    sqlx::query(SEED_POSTGRES)
                        .bind(day)
                        .bind(start)
                        .bind(open)
                        .bind(TICKETS_PER_SERVICE)
                        .execute(&pool)
                        .await
                        .expect("seeding");
                }
                pool.close().await;
            }
        }
    }

    async fn timed(server: &TestServer, admin: &str, path: &str) -> (Elapsed, Elapsed) {
        let mut took = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            let started = Instant::now();
            server.get(path, Some(admin)).await.assert_ok();
            took.push(started.elapsed());
        }
        took.sort();
        (took[0], took[CALLS / 2])
    }

    async fn measure(backend: Backend) {
        let server = TestServer::start(backend).await;
        let today = super::monday();
        let days: Vec<(NaiveDate, DateTime<Utc>, &str)> = (0..=HISTORY_DAYS)
            .map(|back| {
                let day = today.checked_sub_days(Days::new(back)).expect("a day");
                let start = server.store().calendar.start_of(day) + chrono::Duration::hours(8);
                (day, start, if back == 0 { "waiting" } else { "expired" })
            })
            .collect();
        let seeding = Instant::now();
        seed(&server, &days).await;
        let seeded = seeding.elapsed();

        let admin = server.admin().await;
        let stats = super::stats(&server, &admin, None).await;
        assert_eq!(stats.totals.issued, 10_000);
        let (today_min, today_median) = timed(&server, &admin, "/api/v1/admin/stats").await;
        let (past_min, past_median) =
            timed(&server, &admin, "/api/v1/admin/stats?day=2026-11-09").await;
        let (empty_min, empty_median) =
            timed(&server, &admin, "/api/v1/admin/stats?day=2027-01-01").await;
        // What any admin read costs here, for scale: the list of services.
        let (base_min, base_median) = timed(&server, &admin, "/api/v1/admin/services").await;
        println!(
            "{backend:?}: seeded {} tickets in {seeded:.1?}; GET /api/v1/admin/stats over {CALLS} calls, \
             min / median: today (10 000 tickets) {today_min:.1?} / {today_median:.1?}, \
             a past day (10 000) {past_min:.1?} / {past_median:.1?}, \
             an empty day {empty_min:.1?} / {empty_median:.1?}; \
             GET /api/v1/admin/services {base_min:.1?} / {base_median:.1?}",
            (HISTORY_DAYS + 1) * 10_000
        );
        server.stop().await;
    }
}
