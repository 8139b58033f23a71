//! The admin's ticket history: two days of a clinic — tickets served, skipped, cancelled and
//! still waiting at two services and counters — looked up by day, service, counter, status and
//! number, paged, and downloaded as Excel and CSV files whose rows are the listing's rows.
//! Runs on SQLite and PostgreSQL.

use calamine::Data;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use giliran_core::status::TicketStatus;
use giliran_core::wire::{AuditPage, ErrorCode, HistoryEntry, HistoryPage};
use giliran_server::clock::Clock;
use giliran_server::store::HistoryFilter;
use giliran_tests::spreadsheet::{sheet, text};
use giliran_tests::{Backend, Reply, TestServer, on_both_backends};
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    admin_sees_todays_tickets_newest_first_with_patients_and_times,
    each_filter_narrows_the_history_to_what_it_names,
    pages_split_the_history_and_the_total_counts_every_page,
    the_excel_export_holds_the_listings_rows_in_indonesian_and_is_audited,
    the_english_excel_export_follows_the_filters,
    the_csv_export_holds_the_listings_rows_and_keeps_formulas_inert,
    an_export_of_too_many_tickets_is_refused_with_a_hint,
    bad_history_requests_get_the_contract_errors_and_only_admins_get_in,
);

/// Monday and Tuesday, in Jakarta.
const MONDAY: &str = "2026-11-23";
const TUESDAY: &str = "2026-11-24";

/// Western Indonesian Time, the test server's zone.
fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

/// A clinic after two mornings; the clock stands at Tuesday 08:15.
///
/// Monday: A-001 Siti Rahayu, served at Loket 1 (10 minutes' wait, 15 served); A-002 "=1+1",
/// called and skipped (so expired by Tuesday); A-003 Agus, cancelled by himself; B-001 Budi
/// Santoso, pregnant, served at Loket 2. Tuesday: A-001 Dewi Lestari served, A-002 Eko skipped,
/// B-001 Fajar and A-003 Gita still waiting.
struct Clinic {
    server: TestServer,
    admin: String,
    loket_1: Uuid,
    loket_2: Uuid,
    service_b: Uuid,
}

async fn two_days(backend: Backend) -> Clinic {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket_1 = server.counter_id(&admin, 1).await;
    let loket_2 = server.counter_id(&admin, 2).await;
    let service_b = server.service("B").await.id;
    let minutes = |m| Duration::minutes(m);

    // Monday 08:00.
    server
        .take(
            "A",
            json!({"name": "Siti Rahayu", "phone": "0812-1111-2222"}),
        )
        .await;
    server.clock.advance(minutes(1));
    server.take("A", json!({"name": "=1+1"})).await;
    server.clock.advance(minutes(1));
    let agus = server.take("A", json!({"name": "Agus"})).await;
    server.clock.advance(minutes(1));
    server
        .take("B", json!({"name": "Budi Santoso", "priority": "pregnant"}))
        .await;
    server.clock.advance(minutes(7)); // 08:10
    server.call_next(&admin, loket_1).await.expect("A-001");
    server.clock.advance(minutes(15)); // 08:25
    act(&server, &admin, loket_1, "complete").await;
    server.clock.advance(minutes(1));
    server.call_next(&admin, loket_1).await.expect("A-002");
    server.clock.advance(minutes(4)); // 08:30
    act(&server, &admin, loket_1, "skip").await;
    server.clock.advance(minutes(1));
    server.cancel(&agus).await.assert_ok();
    server.clock.advance(minutes(4)); // 08:35
    server.call_next(&admin, loket_2).await.expect("B-001");
    server.clock.advance(minutes(10)); // 08:45
    act(&server, &admin, loket_2, "complete").await;

    // Tuesday 08:00.
    server.clock.advance(Duration::hours(23) + minutes(15));
    let admin = server.admin().await;
    server.take("A", json!({"name": "Dewi Lestari"})).await;
    server.clock.advance(minutes(1));
    server.take("A", json!({"name": "Eko Prasetyo"})).await;
    server.clock.advance(minutes(1));
    server
        .take("B", json!({"name": "Fajar", "phone": "0813-0000-1111"}))
        .await;
    server.clock.advance(minutes(1));
    server.take("A", json!({"name": "Gita"})).await;
    server.clock.advance(minutes(2)); // 08:05
    server.call_next(&admin, loket_1).await.expect("A-001");
    server.clock.advance(minutes(7)); // 08:12
    act(&server, &admin, loket_1, "complete").await;
    server.clock.advance(minutes(1));
    server.call_next(&admin, loket_1).await.expect("A-002");
    server.clock.advance(minutes(2)); // 08:15
    act(&server, &admin, loket_1, "skip").await;

    Clinic {
        server,
        admin,
        loket_1,
        loket_2,
        service_b,
    }
}

async fn act(server: &TestServer, token: &str, counter: Uuid, action: &str) {
    server
        .counter_action(token, counter, action)
        .await
        .assert_ok();
}

impl Clinic {
    /// `GET /api/v1/admin/history?{query}` as the admin.
    async fn history(&self, query: &str) -> HistoryPage {
        self.history_reply(query).await.assert_ok().json()
    }

    async fn history_reply(&self, query: &str) -> Reply {
        self.server
            .get(&format!("/api/v1/admin/history?{query}"), Some(&self.admin))
            .await
    }

    /// Both days, as `(day, number)` pairs.
    async fn both_days(&self, filters: &str) -> Vec<(String, String)> {
        let page = self
            .history(&format!("from={MONDAY}&to={TUESDAY}&{filters}"))
            .await;
        assert_eq!(page.total as usize, page.items.len(), "one page: {filters}");
        page.items.iter().map(day_and_number).collect()
    }

    /// Downloads an export: its content type, its file name, its bytes.
    async fn download(&self, query: &str) -> (String, String, Vec<u8>) {
        let response = self
            .server
            .http
            .get(
                self.server
                    .url(&format!("/api/v1/admin/history/export?{query}")),
            )
            .bearer_auth(&self.admin)
            .send()
            .await
            .expect("the export answers");
        assert_eq!(response.status().as_u16(), 200, "export?{query}");
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let content_type = header("content-type");
        let disposition = header("content-disposition");
        let bytes = response.bytes().await.expect("the file downloads").to_vec();
        (content_type, disposition, bytes)
    }
}

fn day_and_number(entry: &HistoryEntry) -> (String, String) {
    (entry.business_day.to_string(), entry.number.clone())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(day, number)| (day.to_string(), number.to_string()))
        .collect()
}

/// What a status reads as in an Indonesian export.
fn indonesian(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Waiting => "menunggu",
        TicketStatus::Called => "dipanggil",
        TicketStatus::Done => "selesai",
        TicketStatus::Skipped => "dilewati",
        TicketStatus::Cancelled => "dibatalkan",
        TicketStatus::Transferred => "dialihkan",
        TicketStatus::Expired => "kedaluwarsa",
    }
}

fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&wib()).naive_local()
}

async fn admin_sees_todays_tickets_newest_first_with_patients_and_times(backend: Backend) {
    let clinic = two_days(backend).await;
    let page = clinic.history("").await;
    assert_eq!((page.total, page.page, page.per_page), (4, 1, 50));
    let numbers: Vec<&str> = page.items.iter().map(|e| e.number.as_str()).collect();
    assert_eq!(
        numbers,
        ["A-003", "B-001", "A-002", "A-001"],
        "newest first"
    );
    assert!(
        page.items
            .iter()
            .all(|e| e.business_day.to_string() == TUESDAY)
    );

    let dewi = &page.items[3];
    assert_eq!(dewi.name.as_deref(), Some("Dewi Lestari"));
    assert_eq!(dewi.status, TicketStatus::Done);
    assert_eq!(
        (dewi.service_code.as_str(), dewi.service_name.as_str()),
        ("A", "Poli Umum")
    );
    assert_eq!(
        (dewi.counter_id, dewi.counter_name.as_deref()),
        (Some(clinic.loket_1), Some("Loket 1"))
    );
    assert_eq!(
        local(dewi.issued_at).to_string(),
        format!("{TUESDAY} 08:00:00")
    );
    assert_eq!(
        (dewi.wait_seconds, dewi.service_seconds),
        (Some(300), Some(420))
    );

    let eko = &page.items[2];
    assert_eq!(eko.status, TicketStatus::Skipped);
    assert_eq!(
        (eko.wait_seconds, eko.service_seconds),
        (Some(720), None),
        "a skipped patient waited but was not served"
    );

    let fajar = &page.items[1];
    assert_eq!(fajar.status, TicketStatus::Waiting);
    assert_eq!(fajar.phone.as_deref(), Some("+6281300001111"));
    assert_eq!(fajar.service_id, clinic.service_b);
    assert_eq!(
        (fajar.counter_id, fajar.counter_name.as_deref()),
        (None, None)
    );
    assert_eq!((fajar.called_at, fajar.wait_seconds), (None, None));
    clinic.server.stop().await;
}

async fn each_filter_narrows_the_history_to_what_it_names(backend: Backend) {
    let clinic = two_days(backend).await;
    let (mon, tue) = (MONDAY, TUESDAY);

    assert_eq!(
        clinic.both_days("").await,
        pairs(&[
            (tue, "A-003"),
            (tue, "B-001"),
            (tue, "A-002"),
            (tue, "A-001"),
            (mon, "B-001"),
            (mon, "A-003"),
            (mon, "A-002"),
            (mon, "A-001"),
        ])
    );
    let monday = clinic.history(&format!("from={mon}&to={mon}")).await;
    assert_eq!(monday.total, 4);
    let siti = &monday.items[3];
    assert_eq!(siti.name.as_deref(), Some("Siti Rahayu"));
    assert_eq!(
        (siti.wait_seconds, siti.service_seconds),
        (Some(600), Some(900))
    );

    // Monday's no-show was never requeued: by Tuesday the day's end has expired it.
    assert_eq!(
        clinic.both_days("status=expired").await,
        pairs(&[(mon, "A-002")])
    );
    assert_eq!(
        clinic.both_days("status=skipped").await,
        pairs(&[(tue, "A-002")])
    );
    assert_eq!(
        clinic.both_days("status=cancelled").await,
        pairs(&[(mon, "A-003")])
    );
    assert_eq!(
        clinic.both_days("status=waiting").await,
        pairs(&[(tue, "A-003"), (tue, "B-001")])
    );
    assert_eq!(
        clinic.both_days("status=done").await,
        pairs(&[(tue, "A-001"), (mon, "B-001"), (mon, "A-001")])
    );
    assert_eq!(
        clinic
            .both_days(&format!("service_id={}", clinic.service_b))
            .await,
        pairs(&[(tue, "B-001"), (mon, "B-001")])
    );
    assert_eq!(
        clinic
            .both_days(&format!("counter_id={}", clinic.loket_2))
            .await,
        pairs(&[(mon, "B-001")])
    );
    assert_eq!(
        clinic
            .both_days(&format!("counter_id={}&status=done", clinic.loket_1))
            .await,
        pairs(&[(tue, "A-001"), (mon, "A-001")])
    );

    // A number however it is typed; digits alone find it in every service.
    for typed in ["A-001", "a-1", "%20a001%20"] {
        assert_eq!(
            clinic.both_days(&format!("number={typed}")).await,
            pairs(&[(tue, "A-001"), (mon, "A-001")]),
            "{typed}"
        );
    }
    assert_eq!(
        clinic.both_days("number=001").await,
        pairs(&[
            (tue, "B-001"),
            (tue, "A-001"),
            (mon, "B-001"),
            (mon, "A-001")
        ])
    );

    // Ids that name nothing match nothing.
    let nobody = clinic
        .history(&format!(
            "from={mon}&to={tue}&service_id={}",
            Uuid::new_v4()
        ))
        .await;
    assert_eq!((nobody.total, nobody.items.len()), (0, 0));
    assert_eq!(
        clinic.both_days("number=C-001").await,
        pairs(&[]),
        "no Poli Anak tickets"
    );
    // A range before the clinic opened is simply empty.
    assert_eq!(
        clinic.history("from=2026-01-01&to=2026-01-31").await.total,
        0
    );
    clinic.server.stop().await;
}

async fn pages_split_the_history_and_the_total_counts_every_page(backend: Backend) {
    let clinic = two_days(backend).await;
    let all = clinic
        .history(&format!("from={MONDAY}&to={TUESDAY}"))
        .await
        .items;
    let mut paged = Vec::new();
    for (page, expected) in [(1, 3), (2, 3), (3, 2), (4, 0)] {
        let reply = clinic
            .history(&format!(
                "from={MONDAY}&to={TUESDAY}&per_page=3&page={page}"
            ))
            .await;
        assert_eq!(
            (reply.total, reply.page, reply.per_page, reply.items.len()),
            (8, page, 3, expected),
            "page {page}"
        );
        paged.extend(reply.items);
    }
    assert_eq!(
        paged, all,
        "the pages together are the whole history, in order"
    );
    clinic.server.stop().await;
}

fn datetime(cell: &Data) -> NaiveDateTime {
    match cell {
        Data::DateTime(at) => at.as_datetime().expect("a date Excel can show"),
        other => panic!("expected an Excel date, got {other:?}"),
    }
}

fn minutes(cell: &Data) -> Option<f64> {
    match cell {
        Data::Empty => None,
        Data::Float(m) => Some(*m),
        other => panic!("expected minutes, got {other:?}"),
    }
}

async fn the_excel_export_holds_the_listings_rows_in_indonesian_and_is_audited(backend: Backend) {
    let clinic = two_days(backend).await;
    let range = format!("from={MONDAY}&to={TUESDAY}");
    let listed = clinic.history(&range).await.items;

    let (content_type, disposition, bytes) = clinic.download(&range).await;
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        disposition,
        format!("attachment; filename=\"giliran-riwayat-{MONDAY}_{TUESDAY}.xlsx\"")
    );
    let rows = sheet(bytes, "Riwayat");
    let headings: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        headings,
        [
            "Tanggal",
            "Nomor",
            "Layanan",
            "Loket",
            "Status",
            "Prioritas",
            "Nama",
            "Telepon",
            "Diambil",
            "Dipanggil",
            "Selesai",
            "Tunggu (menit)",
            "Dilayani (menit)",
        ]
    );
    assert_eq!(
        rows.len(),
        1 + listed.len(),
        "a heading and one row a ticket"
    );
    for (row, entry) in rows[1..].iter().zip(&listed) {
        let what = format!("{} {}", entry.business_day, entry.number);
        assert_eq!(datetime(&row[0]).date(), entry.business_day, "{what}");
        assert_eq!(text(&row[1]), entry.number, "{what}");
        assert_eq!(text(&row[2]), entry.service_name, "{what}");
        assert_eq!(
            text(&row[3]),
            entry.counter_name.clone().unwrap_or_default()
        );
        assert_eq!(text(&row[4]), indonesian(entry.status), "{what}");
        assert_eq!(
            text(&row[6]),
            entry.name.clone().unwrap_or_default(),
            "{what}"
        );
        assert_eq!(
            text(&row[7]),
            entry.phone.clone().unwrap_or_default(),
            "{what}"
        );
        assert_eq!(
            datetime(&row[8]),
            local(entry.issued_at),
            "{what}: local time"
        );
        assert_eq!(
            minutes(&row[11]),
            entry.wait_seconds.map(|s| f64::from(s) / 60.0),
            "{what}"
        );
        assert_eq!(
            minutes(&row[12]),
            entry.service_seconds.map(|s| f64::from(s) / 60.0),
            "{what}"
        );
    }
    // Monday's Budi: pregnant, served at Loket 2 from 08:35 to 08:45.
    let budi = &rows[5];
    assert_eq!(
        [&budi[1], &budi[3], &budi[4], &budi[5], &budi[6]].map(text),
        ["B-001", "Loket 2", "selesai", "ibu hamil", "Budi Santoso"]
    );
    assert_eq!(datetime(&budi[9]).to_string(), format!("{MONDAY} 08:35:00"));
    assert_eq!(
        datetime(&budi[10]).to_string(),
        format!("{MONDAY} 08:45:00")
    );
    // In a workbook "=1+1" is text, never a formula.
    assert_eq!(text(&rows[7][6]), "=1+1");

    // The export is in the audit log with its filters and size, and without patients.
    let audit: AuditPage = clinic
        .server
        .get(
            "/api/v1/admin/audit?action=export_history",
            Some(&clinic.admin),
        )
        .await
        .assert_ok()
        .json();
    let entry = audit.entries.first().expect("the export is audited");
    assert_eq!(entry.username.as_deref(), Some("admin"));
    let detail = entry.detail.clone().expect("a detail");
    assert_eq!(detail["rows"], 8);
    assert_eq!(detail["format"], "xlsx");
    assert_eq!(
        (&detail["from"], &detail["to"]),
        (&json!(MONDAY), &json!(TUESDAY))
    );
    let recorded = detail.to_string();
    for private in ["Siti", "Budi", "+62"] {
        assert!(
            !recorded.contains(private),
            "the audit log leaks {private}: {recorded}"
        );
    }
    clinic.server.stop().await;
}

async fn the_english_excel_export_follows_the_filters(backend: Backend) {
    let clinic = two_days(backend).await;
    let query = format!("from={MONDAY}&to={TUESDAY}&status=done&lang=en&format=xlsx");
    let listed = clinic.history(&query).await.items;
    assert_eq!(listed.len(), 3);
    let (_, _, bytes) = clinic.download(&query).await;
    let rows = sheet(bytes, "History");
    let headings: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        headings[..8],
        [
            "Date", "Number", "Service", "Counter", "Status", "Priority", "Name", "Phone"
        ]
    );
    let shown: Vec<[String; 3]> = rows[1..]
        .iter()
        .map(|row| [&row[1], &row[4], &row[5]].map(text))
        .collect();
    let expected: Vec<[String; 3]> = listed
        .iter()
        .map(|e| {
            let priority = if e.number == "B-001" {
                "pregnant"
            } else {
                "regular"
            };
            [e.number.clone(), "done".into(), priority.into()]
        })
        .collect();
    assert_eq!(shown, expected);
    clinic.server.stop().await;
}

async fn the_csv_export_holds_the_listings_rows_and_keeps_formulas_inert(backend: Backend) {
    let clinic = two_days(backend).await;
    let range = format!("from={MONDAY}&to={TUESDAY}");
    let listed = clinic.history(&range).await.items;

    let (content_type, disposition, bytes) = clinic.download(&format!("{range}&format=csv")).await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"giliran-riwayat-{MONDAY}_{TUESDAY}.csv\"")
    );
    let text = String::from_utf8(bytes).expect("UTF-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte order mark, so Excel reads UTF-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headings: Vec<String> = reader
        .headers()
        .expect("a heading row")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headings[..5],
        ["Tanggal", "Nomor", "Layanan", "Loket", "Status"]
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("well-formed CSV");
    assert_eq!(rows.len(), listed.len());
    for (row, entry) in rows.iter().zip(&listed) {
        let what = format!("{} {}", entry.business_day, entry.number);
        assert_eq!(&row[0], entry.business_day.to_string(), "{what}");
        assert_eq!(&row[1], entry.number, "{what}");
        assert_eq!(&row[4], indonesian(entry.status), "{what}");
        assert_eq!(
            &row[8],
            local(entry.issued_at)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            "{what}"
        );
        let name = entry.name.clone().unwrap_or_default();
        if name == "=1+1" {
            assert_eq!(&row[6], "'=1+1", "a formula is quoted so it stays text");
        } else {
            assert_eq!(&row[6], name, "{what}");
        }
        // Phones are kept as stored: `+` and digits cannot run as a formula.
        assert_eq!(&row[7], entry.phone.clone().unwrap_or_default(), "{what}");
    }
    let siti = &rows[7];
    assert_eq!(
        [&siti[6], &siti[7], &siti[11], &siti[12]],
        ["Siti Rahayu", "+6281211112222", "10.0", "15.0"]
    );
    clinic.server.stop().await;
}

async fn an_export_of_too_many_tickets_is_refused_with_a_hint(backend: Backend) {
    let clinic = two_days(backend).await;
    let day = |d: &str| d.parse::<NaiveDate>().expect("a date");
    let filter = HistoryFilter {
        from: day(MONDAY),
        to: day(TUESDAY),
        service_id: None,
        counter_id: None,
        status: None,
        number: None,
    };
    let store = clinic.server.store();
    let now = clinic.server.clock.now();
    assert_eq!(
        store
            .history_all(&filter, 8, now)
            .await
            .expect("8 fit")
            .len(),
        8
    );
    match store.history_all(&filter, 7, now).await {
        Err(giliran_server::error::StoreError::Invalid { field, message }) => {
            assert_eq!(field, "to");
            assert!(message.contains("shorter range"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    clinic.server.stop().await;
}

#[track_caller]
fn assert_refused(reply: &Reply, status: u16, code: ErrorCode, field: Option<&str>) {
    reply.assert_error(status, code);
    let error = reply.body["error"].as_object().expect("an error object");
    assert_eq!(
        error.get("field").and_then(|f| f.as_str()),
        field,
        "{}",
        reply.body
    );
}

async fn bad_history_requests_get_the_contract_errors_and_only_admins_get_in(backend: Backend) {
    let clinic = two_days(backend).await;
    use ErrorCode::{InvalidField, InvalidParameter};
    let refusals: [(&str, u16, ErrorCode, Option<&str>); 14] = [
        (
            "from=2026-11-24&to=2026-11-23",
            422,
            InvalidField,
            Some("from"),
        ),
        ("from=2030-01-01", 422, InvalidField, Some("from")),
        (
            "from=2025-11-23&to=2026-11-24",
            422,
            InvalidField,
            Some("to"),
        ),
        ("from=2026-13-01", 400, InvalidParameter, None),
        ("to=24-11-2026", 400, InvalidParameter, None),
        ("status=lost", 400, InvalidParameter, None),
        ("status=DONE", 400, InvalidParameter, None),
        ("service_id=loket-1", 400, InvalidParameter, None),
        ("counter_id=12", 400, InvalidParameter, None),
        ("number=A--1", 400, InvalidParameter, Some("number")),
        ("per_page=0", 400, InvalidParameter, Some("per_page")),
        ("per_page=500", 400, InvalidParameter, Some("per_page")),
        ("page=0", 400, InvalidParameter, Some("page")),
        ("page=-1", 400, InvalidParameter, None),
    ];
    for (query, status, code, field) in refusals {
        let reply = clinic.history_reply(query).await;
        assert_refused(&reply, status, code, field);
    }
    // A year that includes a leap day is still one range.
    let leap = clinic.history("from=2027-11-24&to=2028-11-23").await;
    assert_eq!(leap.total, 0);

    let export = |query: &str| {
        let path = format!("/api/v1/admin/history/export?{query}");
        let server = &clinic.server;
        let admin = clinic.admin.clone();
        async move { server.get(&path, Some(&admin)).await }
    };
    for (query, status, code, field) in [
        ("format=pdf", 400, InvalidParameter, None),
        ("lang=fr", 400, InvalidParameter, None),
        ("status=lost", 400, InvalidParameter, None),
        (
            "from=2026-11-24&to=2026-11-23",
            422,
            InvalidField,
            Some("from"),
        ),
        (
            "from=2025-01-01&to=2026-11-24",
            422,
            InvalidField,
            Some("to"),
        ),
    ] {
        assert_refused(&export(query).await, status, code, field);
    }

    let staff = clinic
        .server
        .staff_at(&clinic.admin, "siti", &[clinic.loket_1])
        .await;
    for path in ["/api/v1/admin/history", "/api/v1/admin/history/export"] {
        clinic
            .server
            .get(path, Some(&staff))
            .await
            .assert_error(403, ErrorCode::Forbidden);
        clinic
            .server
            .get(path, None)
            .await
            .assert_error(401, ErrorCode::Unauthorized);
    }
    clinic.server.stop().await;
}
