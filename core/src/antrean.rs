//! What BPJS's antrean service (the queue a patient sees in the Mobile JKN app) is told about a
//! visit: each step of the morning is a task id, reported at most once, in increasing order, at
//! a time that never goes back.
//!
//! | task | BPJS's name (shortened)            | Giliran's queue action                    |
//! |------|------------------------------------|-------------------------------------------|
//! | 1    | mulai tunggu admisi                | a registration ticket is issued           |
//! | 2    | mulai layan admisi                 | registration calls it                     |
//! | 3    | akhir layan admisi, tunggu poli    | registration finishes; or a poli ticket is issued |
//! | 4    | mulai layan poli                   | the poli calls it                         |
//! | 5    | akhir layan poli, tunggu farmasi   | the poli finishes; or a pharmacy ticket is issued |
//! | 6    | mulai layan farmasi                | the pharmacy calls it                     |
//! | 7    | obat selesai dibuat                | the pharmacy finishes                     |
//! | 99   | tidak hadir / batal                | cancelled or expired before the poli saw the patient |
//!
//! Other stations (cashier, laboratory, radiology) have no task of their own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::visit::Station;

/// A BPJS antrean task id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "u16", try_from = "u16")]
pub enum TaskId {
    AdmissionWait,
    AdmissionService,
    PoliWait,
    PoliService,
    PharmacyWait,
    PharmacyService,
    MedicineReady,
    /// The patient did not come, or the visit was cancelled.
    Cancelled,
}

impl TaskId {
    pub const ALL: [TaskId; 8] = [
        TaskId::AdmissionWait,
        TaskId::AdmissionService,
        TaskId::PoliWait,
        TaskId::PoliService,
        TaskId::PharmacyWait,
        TaskId::PharmacyService,
        TaskId::MedicineReady,
        TaskId::Cancelled,
    ];

    /// The number BPJS knows the task by.
    pub fn code(self) -> u16 {
        match self {
            TaskId::AdmissionWait => 1,
            TaskId::AdmissionService => 2,
            TaskId::PoliWait => 3,
            TaskId::PoliService => 4,
            TaskId::PharmacyWait => 5,
            TaskId::PharmacyService => 6,
            TaskId::MedicineReady => 7,
            TaskId::Cancelled => 99,
        }
    }

    pub fn from_code(code: u16) -> Option<TaskId> {
        TaskId::ALL.into_iter().find(|t| t.code() == code)
    }

    /// What the task means, in Indonesian, for the admin panel.
    pub fn label(self) -> &'static str {
        match self {
            TaskId::AdmissionWait => "mulai tunggu admisi",
            TaskId::AdmissionService => "mulai layan admisi",
            TaskId::PoliWait => "selesai admisi, mulai tunggu poli",
            TaskId::PoliService => "mulai layan poli",
            TaskId::PharmacyWait => "selesai poli, mulai tunggu farmasi",
            TaskId::PharmacyService => "mulai layan farmasi",
            TaskId::MedicineReady => "obat selesai dibuat",
            TaskId::Cancelled => "tidak hadir / batal",
        }
    }
}

impl From<TaskId> for u16 {
    fn from(task: TaskId) -> u16 {
        task.code()
    }
}

impl TryFrom<u16> for TaskId {
    type Error = String;

    fn try_from(code: u16) -> Result<TaskId, String> {
        TaskId::from_code(code).ok_or_else(|| format!("{code} is not a BPJS antrean task id"))
    }
}

/// A queue action on one ticket of a visit, as the bridge reads it from the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The ticket joined its station's queue: issued, transferred in, or requeued.
    Queued,
    /// A counter called it; `recall` when the call was repeated.
    Called { recall: bool },
    /// The station is done with the patient (done, or sent on to another station).
    Served,
    /// The patient did not come: skipped at the counter (they may still be requeued).
    Skipped,
    /// Cancelled by the patient or staff, or expired at the end of the day.
    Abandoned,
}

/// The task a step at a station stands for, before the visit's history is considered.
pub fn task_for(station: Station, step: Step) -> Option<TaskId> {
    use TaskId::*;
    match (station, step) {
        (_, Step::Abandoned) => Some(Cancelled),
        (Station::Registration, Step::Queued) => Some(AdmissionWait),
        (Station::Registration, Step::Called { recall: false }) => Some(AdmissionService),
        (Station::Registration, Step::Served) => Some(PoliWait),
        (Station::Poli, Step::Queued) => Some(PoliWait),
        (Station::Poli, Step::Called { recall: false }) => Some(PoliService),
        (Station::Poli, Step::Served) => Some(PharmacyWait),
        (Station::Pharmacy, Step::Queued) => Some(PharmacyWait),
        (Station::Pharmacy, Step::Called { recall: false }) => Some(PharmacyService),
        (Station::Pharmacy, Step::Served) => Some(MedicineReady),
        _ => None,
    }
}

/// A task to report: its id and its time, in milliseconds since the Unix epoch as BPJS wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub task: TaskId,
    pub at_ms: i64,
}

/// What has been reported of one visit so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitTasks {
    pub last: Option<TaskId>,
    pub last_at_ms: i64,
}

impl VisitTasks {
    /// Whether `task` may follow what was reported. Task ids only go up, each once: a requeue
    /// or a second poli brings no new task. Cancelling counts only while the poli has not seen
    /// the patient; a patient who left before their medicine was ready was still served.
    pub fn accepts(&self, task: TaskId) -> bool {
        match (self.last, task) {
            (Some(TaskId::Cancelled), _) => false,
            (Some(last), TaskId::Cancelled) => last < TaskId::PoliService,
            (None, _) => true,
            (Some(last), task) => task > last,
        }
    }

    /// Records `task` happening at `at_ms` and returns the report to send, or `None` when the
    /// step brings nothing new. The reported time never goes back: BPJS refuses a task earlier
    /// than the one before it, and two servers' clocks may disagree by a few milliseconds.
    pub fn record(&mut self, task: TaskId, at_ms: i64) -> Option<Report> {
        if !self.accepts(task) {
            return None;
        }
        let at_ms = at_ms.max(self.last_at_ms);
        self.last = Some(task);
        self.last_at_ms = at_ms;
        Some(Report { task, at_ms })
    }
}

/// A service that is a BPJS poli: the codes BPJS's schedule (HFIS) knows it by, which the
/// bridge sends when it tells BPJS of a visit (`antrean/add`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BpjsPoli {
    pub service_id: Uuid,
    #[serde(flatten)]
    pub codes: BpjsPoliCodes,
}

/// What an admin sets for a BPJS poli.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BpjsPoliCodes {
    /// BPJS's poli code, such as `INT` or `ANA`.
    pub poli_code: String,
    pub poli_name: String,
    /// The doctor's code in HFIS.
    pub doctor_code: i64,
    pub doctor_name: String,
    /// `HH:MM-HH:MM`, as in HFIS.
    pub practice_hours: String,
    /// Patients a day for BPJS (JKN) members.
    pub quota_jkn: u32,
    /// Patients a day for everyone else.
    pub quota_non_jkn: u32,
}

impl BpjsPoliCodes {
    /// The codes tidied (trimmed, poli code upper case), or the field that is wrong and why.
    pub fn checked(mut self) -> Result<BpjsPoliCodes, (&'static str, String)> {
        self.poli_code = self.poli_code.trim().to_uppercase();
        self.poli_name = self.poli_name.trim().to_owned();
        self.doctor_name = self.doctor_name.trim().to_owned();
        self.practice_hours = self.practice_hours.trim().to_owned();
        if self.poli_code.is_empty()
            || self.poli_code.len() > 10
            || !self.poli_code.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(("poli_code", "poli_code is 1 to 10 letters or digits".into()));
        }
        for (field, value) in [
            ("poli_name", &self.poli_name),
            ("doctor_name", &self.doctor_name),
        ] {
            if value.is_empty()
                || value.chars().count() > 100
                || value.chars().any(char::is_control)
            {
                return Err((field, format!("{field} is 1 to 100 printable characters")));
            }
        }
        if self.doctor_code <= 0 {
            return Err((
                "doctor_code",
                "doctor_code is HFIS's positive number".into(),
            ));
        }
        if !is_practice_hours(&self.practice_hours) {
            return Err((
                "practice_hours",
                "practice_hours is HH:MM-HH:MM, start before end, such as 08:00-14:00".into(),
            ));
        }
        Ok(self)
    }
}

fn is_practice_hours(text: &str) -> bool {
    let parse = |t: &str| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok();
    match text.split_once('-') {
        Some((start, end)) if start.len() == 5 && end.len() == 5 => {
            matches!((parse(start), parse(end)), (Some(s), Some(e)) if s < e)
        }
        _ => false,
    }
}

/// A patient's BPJS (JKN) membership, as registration staff record it on their visit, so that
/// BPJS hears of the visit as a JKN one (`jenispasien`, `nomorkartu`, … of `antrean/add`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JknMembership {
    /// The JKN card number: 13 digits.
    pub card_number: String,
    /// The NIK (national identity number): 16 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<String>,
    /// The referral or control letter's number (`nomorreferensi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_number: Option<String>,
    /// BPJS's `jeniskunjungan`: 1 a referral from primary care, 2 an internal referral,
    /// 3 a control visit, 4 a referral between hospitals.
    #[serde(default = "first_visit_kind")]
    pub visit_kind: u8,
}

fn first_visit_kind() -> u8 {
    1
}

impl JknMembership {
    /// The membership tidied (trimmed; empty optional fields left out), or the field that is
    /// wrong and why.
    pub fn checked(self) -> Result<JknMembership, (&'static str, String)> {
        let digits =
            |text: &str, len: usize| text.len() == len && text.bytes().all(|b| b.is_ascii_digit());
        let optional =
            |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let card_number = self.card_number.trim().to_owned();
        if !digits(&card_number, 13) {
            return Err(("card_number", "card_number is the card's 13 digits".into()));
        }
        let nik = optional(self.nik);
        if nik.as_deref().is_some_and(|nik| !digits(nik, 16)) {
            return Err(("nik", "nik is 16 digits".into()));
        }
        let referral_number = optional(self.referral_number).map(|r| r.to_uppercase());
        if referral_number
            .as_deref()
            .is_some_and(|r| r.len() > 30 || !r.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err((
                "referral_number",
                "referral_number is up to 30 letters and digits".into(),
            ));
        }
        if !(1..=4).contains(&self.visit_kind) {
            return Err((
                "visit_kind",
                "visit_kind is 1 (primary care referral), 2 (internal referral), 3 (control) \
                 or 4 (referral between hospitals)"
                    .into(),
            ));
        }
        Ok(JknMembership {
            card_number,
            nik,
            referral_number,
            visit_kind: self.visit_kind,
        })
    }
}

/// How the BPJS bridge keeps up (`GET /api/v1/admin/bpjs/bridge`): whether it reads the event
/// log as the queue moves, and how old the oldest report still to send is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BridgeStatus {
    /// Events of the log not yet turned into reports.
    pub events_behind: u64,
    /// When the oldest of them happened.
    pub oldest_unread_at: Option<DateTime<Utc>>,
    /// What keeps this server's bridge from reading the log or the outbox, if anything.
    pub problem: Option<String>,
    /// Since when that has gone on.
    pub problem_since: Option<DateTime<Utc>>,
    /// When the oldest report still waiting to be sent was queued.
    pub oldest_pending_at: Option<DateTime<Utc>>,
}

impl BridgeStatus {
    /// How long the bridge may lag the queue before an admin should look: it reads the log
    /// every fraction of a second, so a minute behind means it is not reading.
    pub const STUCK_AFTER: chrono::Duration = chrono::Duration::minutes(1);

    /// Whether the bridge is stuck: it reports a problem, or has not read the log for a while.
    pub fn stuck(&self, now: DateTime<Utc>) -> bool {
        self.problem.is_some()
            || self
                .oldest_unread_at
                .is_some_and(|at| now - at > Self::STUCK_AFTER)
    }
}

/// Where a report to BPJS stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Waiting for the visit to reach a BPJS poli: BPJS must know a visit before its tasks.
    Held,
    /// To be sent, or being retried.
    Pending,
    /// BPJS holds it.
    Sent,
    /// BPJS refused it; the visit's later reports wait until an admin retries it.
    Failed,
}

impl ReportState {
    pub fn parse(name: &str) -> Option<ReportState> {
        [
            ReportState::Held,
            ReportState::Pending,
            ReportState::Sent,
            ReportState::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Held => "held",
            ReportState::Pending => "pending",
            ReportState::Sent => "sent",
            ReportState::Failed => "failed",
        }
    }
}

/// One report of the bridge's outbox, for the admin panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BpjsReport {
    pub id: i64,
    pub booking_code: String,
    /// The task id (1–7, 99); `null` for telling BPJS of the visit (`antrean/add`).
    pub task_id: Option<u16>,
    /// What it reports, in Indonesian.
    pub label: String,
    pub state: ReportState,
    pub attempts: u32,
    /// The last try got no answer; the next one asks BPJS first whether it has the report.
    pub uncertain: bool,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// What is (or was) sent.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: serde_json::Value,
}

/// A business day's reports compared with the tasks BPJS holds (`antrean/getlisttask`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reconciliation {
    pub business_day: chrono::NaiveDate,
    pub at: DateTime<Utc>,
    /// Visits BPJS knows of (or should), compared.
    pub visits: u32,
    /// Reports sent that BPJS holds.
    pub matching: u32,
    /// Reports BPJS holds although no answer had said so: now marked sent.
    pub confirmed: u32,
    /// Reports marked sent that BPJS does not hold: queued to send again.
    pub resent: u32,
    /// Reports not sent yet, and not at BPJS either.
    pub waiting: u32,
    /// Visits BPJS could not be asked about (away, or refusing our credentials).
    pub unreachable: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reports(steps: &[(Station, Step, i64)]) -> Vec<(u16, i64)> {
        let mut visit = VisitTasks::default();
        steps
            .iter()
            .filter_map(|&(station, step, at)| task_for(station, step).map(|t| (t, at)))
            .filter_map(|(task, at)| visit.record(task, at))
            .map(|r| (r.task.code(), r.at_ms))
            .collect()
    }

    #[test]
    fn a_morning_through_registration_poli_and_pharmacy_reports_one_to_seven() {
        use Station::*;
        let called = Step::Called { recall: false };
        let morning = [
            (Registration, Step::Queued, 100),
            (Registration, called, 200),
            (Registration, Step::Called { recall: true }, 250),
            (Registration, Step::Served, 300),
            (Poli, Step::Queued, 300),
            (Poli, called, 400),
            (Poli, Step::Served, 500),
            (Cashier, Step::Queued, 500),
            (Cashier, called, 520),
            (Cashier, Step::Served, 540),
            (Pharmacy, Step::Queued, 540),
            (Pharmacy, called, 600),
            (Pharmacy, Step::Served, 700),
        ];
        assert_eq!(
            reports(&morning),
            [
                (1, 100),
                (2, 200),
                (3, 300),
                (4, 400),
                (5, 500),
                (6, 600),
                (7, 700)
            ]
        );
    }

    #[test]
    fn a_patient_going_straight_to_the_poli_starts_at_three() {
        use Station::*;
        let steps = [
            (Poli, Step::Queued, 10),
            (Poli, Step::Called { recall: false }, 20),
            (Poli, Step::Served, 30),
        ];
        assert_eq!(reports(&steps), [(3, 10), (4, 20), (5, 30)]);
    }

    #[test]
    fn times_never_go_back_and_tasks_never_repeat() {
        use Station::*;
        let steps = [
            (Poli, Step::Queued, 500),
            // Another replica's clock a little behind.
            (Poli, Step::Called { recall: false }, 480),
            (Poli, Step::Skipped, 490),
            (Poli, Step::Queued, 600),
            (Poli, Step::Called { recall: false }, 700),
            (Poli, Step::Served, 800),
        ];
        assert_eq!(reports(&steps), [(3, 500), (4, 500), (5, 800)]);
    }

    #[test]
    fn cancelling_counts_only_before_the_poli_saw_the_patient() {
        use Station::*;
        let no_show = [
            (Poli, Step::Queued, 10),
            (Poli, Step::Called { recall: false }, 20),
            (Poli, Step::Skipped, 30),
            (Poli, Step::Abandoned, 40),
        ];
        // Called, but never served: the poli did not see them.
        assert_eq!(reports(&no_show), [(3, 10), (4, 20)]);
        let cancelled = [(Poli, Step::Queued, 10), (Poli, Step::Abandoned, 40)];
        assert_eq!(reports(&cancelled), [(3, 10), (99, 40)]);
        let left_the_pharmacy = [(Poli, Step::Served, 10), (Pharmacy, Step::Abandoned, 40)];
        assert_eq!(reports(&left_the_pharmacy), [(5, 10)]);
        let after_cancel = [
            (Registration, Step::Abandoned, 10),
            (Poli, Step::Queued, 20),
        ];
        assert_eq!(reports(&after_cancel), [(99, 10)]);
    }

    #[test]
    fn poli_codes_are_checked_and_tidied() {
        let codes = BpjsPoliCodes {
            poli_code: " int ".into(),
            poli_name: "Penyakit Dalam".into(),
            doctor_code: 12345,
            doctor_name: "dr. Sari".into(),
            practice_hours: "08:00-14:00".into(),
            quota_jkn: 30,
            quota_non_jkn: 10,
        };
        assert_eq!(codes.clone().checked().unwrap().poli_code, "INT");
        for hours in ["8:00-14:00", "14:00-08:00", "08:00", "08:00-25:00", ""] {
            let wrong = BpjsPoliCodes {
                practice_hours: hours.into(),
                ..codes.clone()
            };
            assert_eq!(wrong.checked().unwrap_err().0, "practice_hours", "{hours}");
        }
        let wrong = BpjsPoliCodes {
            doctor_code: 0,
            ..codes.clone()
        };
        assert_eq!(wrong.checked().unwrap_err().0, "doctor_code");
        let wrong = BpjsPoliCodes {
            poli_code: "IN T".into(),
            ..codes
        };
        assert_eq!(wrong.checked().unwrap_err().0, "poli_code");
    }

    #[test]
    fn task_ids_travel_as_bpjs_numbers() {
        assert_eq!(serde_json::to_string(&TaskId::Cancelled).unwrap(), "99");
        assert_eq!(
            serde_json::from_str::<TaskId>("4").unwrap(),
            TaskId::PoliService
        );
        assert!(serde_json::from_str::<TaskId>("8").is_err());
        for task in TaskId::ALL {
            assert_eq!(TaskId::from_code(task.code()), Some(task));
        }
    }

    #[test]
    fn a_jkn_membership_is_tidied_or_names_its_wrong_field() {
        let member = |card: &str, nik: Option<&str>, referral: Option<&str>, kind: u8| {
            JknMembership {
                card_number: card.into(),
                nik: nik.map(Into::into),
                referral_number: referral.map(Into::into),
                visit_kind: kind,
            }
            .checked()
        };
        assert_eq!(
            member(
                " 0001234567890 ",
                Some(" "),
                Some(" 0301r0011025b000123 "),
                3
            ),
            Ok(JknMembership {
                card_number: "0001234567890".into(),
                nik: None,
                referral_number: Some("0301R0011025B000123".into()),
                visit_kind: 3,
            })
        );
        for (bad, field) in [
            (member("12345", None, None, 1), "card_number"),
            (member("000123456789X", None, None, 1), "card_number"),
            (member("0001234567890", Some("123"), None, 1), "nik"),
            (
                member("0001234567890", None, Some("0301/R"), 1),
                "referral_number",
            ),
            (member("0001234567890", None, None, 0), "visit_kind"),
            (member("0001234567890", None, None, 5), "visit_kind"),
        ] {
            assert_eq!(bad.map_err(|(f, _)| f), Err(field));
        }
        let defaulted: JknMembership =
            serde_json::from_str(r#"{"card_number": "0001234567890"}"#).unwrap();
        assert_eq!(defaulted.visit_kind, 1);
    }

    #[test]
    fn a_bridge_is_stuck_with_a_problem_or_a_minute_behind() {
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let status = |problem: Option<&str>, unread_secs: Option<i64>| BridgeStatus {
            events_behind: u64::from(unread_secs.is_some()),
            oldest_unread_at: unread_secs.map(|s| now - chrono::Duration::seconds(s)),
            problem: problem.map(Into::into),
            problem_since: problem.map(|_| now),
            oldest_pending_at: None,
        };
        assert!(!status(None, None).stuck(now));
        assert!(
            !status(None, Some(5)).stuck(now),
            "a moment behind is reading"
        );
        assert!(status(None, Some(61)).stuck(now));
        assert!(status(Some("database away"), None).stuck(now));
    }
}
