//! Every text the web pages show, in Indonesian first and English second, from this one place;
//! and how a browser picks its language (a cookie set by the language link, Indonesian unless
//! it says otherwise).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use giliran_core::status::TicketStatus;
use giliran_core::wire::ErrorCode;

use serde::Serialize;

pub use crate::words::Language;

/// The cookie remembering the chosen language.
pub const LANG_COOKIE: &str = "giliran_lang";

/// How the pages pick and switch their language.
impl Language {
    pub fn parse(code: &str) -> Option<Language> {
        match code {
            "id" => Some(Language::Id),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// The language the switch offers.
    pub fn other(self) -> Language {
        match self {
            Language::Id => Language::En,
            Language::En => Language::Id,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Language::Id => &ID,
            Language::En => &EN,
        }
    }

    fn of(headers: &HeaderMap) -> Language {
        super::session::cookie_value(headers, LANG_COOKIE)
            .and_then(|code| Language::parse(&code))
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Language::of(&parts.headers))
    }
}

/// The texts of one language. Fields are grouped by page; scripts get theirs through
/// [`ScriptTexts`].
#[derive(Debug)]
pub struct Texts {
    pub lang: Language,
    pub switch_to: &'static str,
    pub skip_to_content: &'static str,
    pub footer: &'static str,

    // Login
    pub login_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub log_in: &'static str,
    pub log_out: &'static str,
    pub wrong_credentials: &'static str,
    pub account_disabled: &'static str,
    pub too_many_attempts: &'static str,
    pub session_ended: &'static str,

    // Patient page
    pub take_title: &'static str,
    pub choose_service: &'static str,
    pub waiting_now: &'static str,
    pub quota_left: &'static str,
    pub service_closed: &'static str,
    pub your_name: &'static str,
    pub your_phone: &'static str,
    pub optional: &'static str,
    pub phone_hint: &'static str,
    pub take_ticket: &'static str,
    pub no_services: &'static str,
    pub privacy_note: &'static str,

    // Staff console
    pub console_title: &'static str,
    pub choose_counter: &'static str,
    pub no_counters: &'static str,
    pub counter: &'static str,
    pub now_serving: &'static str,
    pub nobody_called: &'static str,
    pub call_next: &'static str,
    pub recall: &'static str,
    pub complete: &'static str,
    pub skip: &'static str,
    pub transfer_to: &'static str,
    /// A visit's code, on the console's current ticket.
    pub booking_code: &'static str,
    /// Where the current patient goes when done, by the route.
    pub next_station: &'static str,
    /// Done, and the visit ends here instead of going on.
    pub complete_end_visit: &'static str,
    /// Done, and the visit goes on to the station chosen beside it.
    pub complete_send_to: &'static str,
    pub find_visit: &'static str,
    pub search: &'static str,
    pub send: &'static str,
    pub visit_not_found: &'static str,
    /// A station still ahead in a visit.
    pub visit_planned: &'static str,
    pub visit_finished: &'static str,
    /// "Waiting at Poli Gigi, 3 ahead" / "Called to Loket 2".
    pub visit_waiting_at: &'static str,
    pub visit_called_to: &'static str,
    /// Why a regular ticket is ahead of priority ones: it waited the longest allowed.
    pub waited_longest: &'static str,
    pub transfer: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub paused_notice: &'static str,
    pub waiting_list: &'static str,
    pub nobody_waiting: &'static str,
    pub skipped_list: &'static str,
    pub requeue: &'static str,
    pub cancel_ticket: &'static str,
    pub today: &'static str,
    pub number: &'static str,
    pub name: &'static str,
    pub priority: &'static str,
    pub taken_at: &'static str,
    pub called_at: &'static str,
    pub recalls: &'static str,
    pub more_waiting: &'static str,
    pub shortcuts: &'static str,

    // Admin panel
    pub admin_title: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_services: &'static str,
    pub nav_counters: &'static str,
    pub nav_users: &'static str,
    pub nav_displays: &'static str,
    pub nav_settings: &'static str,
    pub nav_console: &'static str,
    pub save: &'static str,
    pub create: &'static str,
    pub edit: &'static str,
    pub code: &'static str,
    pub daily_quota: &'static str,
    pub no_quota: &'static str,
    pub open: &'static str,
    pub closed: &'static str,
    pub accepts_tickets: &'static str,
    pub new_service: &'static str,
    pub services: &'static str,
    pub service_order_hint: &'static str,
    pub new_counter: &'static str,
    pub counter_number: &'static str,
    pub paused: &'static str,
    pub active: &'static str,
    pub new_user: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    pub role_admin: &'static str,
    pub role_staff: &'static str,
    pub counters: &'static str,
    pub new_password: &'static str,
    pub new_password_hint: &'static str,
    pub disabled: &'static str,
    pub new_display: &'static str,
    pub display_name_hint: &'static str,
    pub token_once: &'static str,
    pub revoke: &'static str,
    pub revoked: &'static str,
    pub last_seen: &'static str,
    pub never: &'static str,
    pub created: &'static str,
    pub hospital_name: &'static str,
    pub marquee: &'static str,
    pub time_zone: &'static str,
    pub time_zone_hint: &'static str,
    pub saved: &'static str,
    pub status: &'static str,
    pub waiting: &'static str,
    pub current: &'static str,
    pub nav_audit: &'static str,
    pub nav_poster: &'static str,
    pub audit_user: &'static str,
    pub audit_action: &'static str,
    pub audit_target: &'static str,
    pub audit_detail: &'static str,
    pub audit_ip: &'static str,
    pub audit_at: &'static str,
    pub everyone: &'static str,
    pub filter: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    pub nothing_found: &'static str,
    pub poster_title: &'static str,
    pub poster_scan: &'static str,
    pub poster_steps: [&'static str; 3],
    pub poster_url: &'static str,
    pub poster_url_hint: &'static str,
    pub recent_calls: &'static str,
    pub nav_history: &'static str,
    pub from_day: &'static str,
    pub to_day: &'static str,
    pub any: &'static str,
    pub history_unreadable: &'static str,
    pub history_from_after_to: &'static str,
    pub history_range_too_long: &'static str,
    pub tickets_found: &'static str,
    pub page_of: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub download_xlsx: &'static str,
    pub download_csv: &'static str,
    pub day: &'static str,
    pub finished_at: &'static str,
    pub wait_minutes: &'static str,
    pub phone: &'static str,
    pub issued_today: &'static str,
    pub done_today: &'static str,
    pub avg_wait: &'static str,
    pub avg_service: &'static str,
    pub no_show_rate: &'static str,
    pub per_hour: &'static str,
    pub per_hour_summary: &'static str,
    pub hour: &'static str,
    pub taken: &'static str,
    pub minutes_short: &'static str,
    pub reset_title: &'static str,
    pub reset_explain: &'static str,
    pub reset_password: &'static str,
    pub reset_button: &'static str,
    pub reset_confirm: &'static str,
    pub reset_done: &'static str,
    pub confirm_revoke: &'static str,
    pub announcement: &'static str,
    pub announcement_hint: &'static str,
    pub announcement_example: &'static str,
    pub announcement_language: &'static str,
    pub voice: &'static str,
    pub voice_hint: &'static str,
    pub hours: &'static str,
    /// At a registration station: the poli the patient came for.
    pub destination: &'static str,
    pub destination_unsure: &'static str,
    /// A service's kind of station in a visit.
    pub station: &'static str,
    /// Where a visit goes when a service's ticket is done.
    pub route_next: &'static str,
    pub route_ends: &'static str,
    pub route_hint: &'static str,
    pub opens_at: &'static str,
    pub closes_at: &'static str,
    pub all_day: &'static str,
    pub hours_hint: &'static str,
    pub closed_now_opens: &'static str,
}

pub static ID: Texts = Texts {
    lang: Language::Id,
    switch_to: "English",
    skip_to_content: "Langsung ke isi",
    footer: "Giliran — antrean tanpa berdesakan",

    login_title: "Masuk petugas",
    username: "Nama pengguna",
    password: "Kata sandi",
    log_in: "Masuk",
    log_out: "Keluar",
    wrong_credentials: "Nama pengguna atau kata sandi salah.",
    account_disabled: "Akun ini dinonaktifkan. Hubungi admin.",
    too_many_attempts: "Terlalu banyak percobaan. Coba lagi sebentar lagi.",
    session_ended: "Sesi Anda telah berakhir. Silakan masuk lagi.",

    take_title: "Ambil nomor antrean",
    choose_service: "Pilih layanan",
    waiting_now: "menunggu",
    quota_left: "kuota tersisa",
    service_closed: "Tutup",
    your_name: "Nama",
    your_phone: "Nomor HP",
    optional: "boleh dikosongkan",
    phone_hint: "Untuk cek antrean lewat nomor HP bila halaman ini tertutup.",
    take_ticket: "Ambil nomor",
    no_services: "Belum ada layanan yang buka.",
    privacy_note: "Nama dan nomor HP hanya dilihat petugas, tidak pernah tampil di layar.",

    console_title: "Konsol petugas",
    choose_counter: "Pilih loket",
    no_counters: "Anda belum ditugaskan ke loket mana pun. Hubungi admin.",
    counter: "Loket",
    now_serving: "Sedang dilayani",
    nobody_called: "Belum ada yang dipanggil.",
    call_next: "Panggil berikutnya",
    recall: "Panggil ulang",
    complete: "Selesai",
    skip: "Lewati",
    transfer_to: "Alihkan ke layanan",
    booking_code: "Kode booking",
    next_station: "Setelah selesai ke",
    complete_end_visit: "Selesai, kunjungan berakhir",
    complete_send_to: "Selesai & kirim ke",
    find_visit: "Cari kunjungan",
    search: "Cari",
    send: "Kirim",
    visit_not_found: "Tidak ada kunjungan dengan kode booking itu.",
    visit_planned: "berikutnya",
    visit_finished: "Kunjungan sudah selesai.",
    visit_waiting_at: "Menunggu di",
    visit_called_to: "Dipanggil ke",
    waited_longest: "Menunggu paling lama",
    transfer: "Alihkan",
    pause: "Jeda loket",
    resume: "Buka loket",
    paused_notice: "Loket dijeda: tidak memanggil pasien.",
    waiting_list: "Daftar tunggu",
    nobody_waiting: "Tidak ada yang menunggu.",
    skipped_list: "Dilewati hari ini",
    requeue: "Antrekan lagi",
    cancel_ticket: "Batalkan",
    today: "Hari ini",
    number: "Nomor",
    name: "Nama",
    priority: "Prioritas",
    taken_at: "Diambil",
    called_at: "Dipanggil",
    recalls: "Panggil ulang",
    more_waiting: "dan lainnya",
    shortcuts: "Pintasan: N panggil berikutnya, R panggil ulang, S selesai, L lewati.",

    admin_title: "Panel admin",
    nav_dashboard: "Dasbor",
    nav_services: "Layanan",
    nav_counters: "Loket",
    nav_users: "Pengguna",
    nav_displays: "Layar",
    nav_settings: "Pengaturan",
    nav_console: "Konsol petugas",
    save: "Simpan",
    create: "Tambah",
    edit: "Ubah",
    code: "Kode",
    daily_quota: "Kuota harian",
    no_quota: "tanpa batas",
    open: "Buka",
    closed: "Tutup",
    accepts_tickets: "Menerima antrean",
    new_service: "Layanan baru",
    services: "Layanan",
    service_order_hint: "Centang layanan yang dipanggil loket ini, urut dari yang diutamakan.",
    new_counter: "Loket baru",
    counter_number: "Nomor loket",
    paused: "Dijeda",
    active: "Aktif",
    new_user: "Pengguna baru",
    display_name: "Nama tampilan",
    role: "Peran",
    role_admin: "Admin",
    role_staff: "Petugas",
    counters: "Loket",
    new_password: "Kata sandi baru",
    new_password_hint: "Minimal 10 karakter. Kosongkan bila tidak diganti.",
    disabled: "Nonaktif",
    new_display: "Layar baru",
    display_name_hint: "Tempatnya, misalnya \"Ruang tunggu lantai 1\".",
    token_once: "Token layar ini hanya ditampilkan sekali. Masukkan ke layar sekarang:",
    revoke: "Cabut",
    revoked: "Dicabut",
    last_seen: "Terakhir terlihat",
    never: "belum pernah",
    created: "Dibuat",
    hospital_name: "Nama rumah sakit / klinik",
    marquee: "Teks berjalan di layar",
    time_zone: "Zona waktu",
    time_zone_hint: "Diatur saat server dijalankan (--tz).",
    saved: "Tersimpan.",
    status: "Status",
    waiting: "Menunggu",
    current: "Nomor sekarang",
    nav_audit: "Log audit",
    nav_poster: "Poster QR",
    audit_user: "Pengguna",
    audit_action: "Tindakan",
    audit_target: "Sasaran",
    audit_detail: "Rincian",
    audit_ip: "Alamat IP",
    audit_at: "Waktu",
    everyone: "Semua",
    filter: "Saring",
    older: "Lebih lama",
    newest: "Terbaru",
    nothing_found: "Tidak ada yang cocok.",
    poster_title: "Ambil nomor antrean dari HP Anda",
    poster_scan: "Pindai kode ini dengan kamera HP",
    poster_steps: [
        "Pilih layanan yang Anda tuju.",
        "Tekan \"Ambil nomor\". Nomor Anda langsung tampil.",
        "Tunggu dengan tenang: halaman memberi tahu saat Anda dipanggil.",
    ],
    poster_url: "Alamat halaman pasien",
    poster_url_hint: "Alamat yang dibuka kode QR; ubah bila pasien membukanya lewat alamat lain.",
    recent_calls: "Panggilan terakhir",
    nav_history: "Riwayat",
    from_day: "Dari tanggal",
    to_day: "Sampai tanggal",
    any: "Semua",
    history_unreadable: "Saringan tidak dapat dibaca. Periksa tanggal dan nomornya.",
    history_from_after_to: "Tanggal awal harus sebelum tanggal akhir.",
    history_range_too_long: "Paling lama 366 hari sekaligus. Pilih rentang yang lebih pendek.",
    tickets_found: "tiket",
    page_of: "dari",
    previous: "Sebelumnya",
    next: "Berikutnya",
    download_xlsx: "Unduh Excel (.xlsx)",
    download_csv: "Unduh CSV",
    day: "Tanggal",
    finished_at: "Selesai",
    wait_minutes: "Tunggu (menit)",
    phone: "Telepon",
    issued_today: "Diambil hari ini",
    done_today: "Selesai dilayani",
    avg_wait: "Rata-rata tunggu",
    avg_service: "Rata-rata layanan",
    no_show_rate: "Tidak hadir",
    per_hour: "Antrean per jam",
    per_hour_summary: "Tiket diambil dan dipanggil per jam hari ini",
    hour: "Jam",
    taken: "Diambil",
    minutes_short: "mnt",
    reset_title: "Mulai ulang hari ini",
    reset_explain: "Semua antrean yang masih terbuka hari ini menjadi kedaluwarsa, nomor tiap layanan kembali ke 001 dan kuota dihitung dari awal. Riwayat tetap tersimpan. Tidak dapat dibatalkan.",
    reset_password: "Kata sandi Anda",
    reset_button: "Mulai ulang hari ini",
    reset_confirm: "Yakin memulai ulang hari ini? Semua antrean terbuka akan kedaluwarsa.",
    reset_done: "Hari ini dimulai ulang. Nomor berikutnya 001.",
    confirm_revoke: "Cabut akses layar ini? Layar akan langsung terputus.",
    announcement: "Kalimat panggilan",
    announcement_hint: "Tulis {number} di tempat nomor antrean dan {counter} di tempat nama loket.",
    announcement_example: "Contoh yang diucapkan layar:",
    announcement_language: "Bahasa pengucapan nomor",
    voice: "Suara",
    voice_hint: "Nama suara mesin ucap di layar; \"id\" adalah suara Indonesia espeak-ng.",
    hours: "Jam layanan",
    destination: "Poli yang dituju",
    destination_unsure: "Belum tahu — petugas pendaftaran yang menentukan",
    station: "Jenis",
    route_next: "Setelah selesai, lanjut ke",
    route_ends: "— kunjungan selesai —",
    route_hint: "Pasien mendapat nomor di layanan berikutnya secara otomatis; petugas tetap bisa memilih lain. Pendaftaran mengirim pasien ke poli yang dipilihnya.",
    opens_at: "Buka pukul",
    closes_at: "Tutup pukul",
    all_day: "sepanjang hari",
    hours_hint: "Pasien dapat mengambil nomor di antara jam ini. Kosongkan keduanya untuk sepanjang hari.",
    closed_now_opens: "Di luar jam layanan ·",
};

pub static EN: Texts = Texts {
    lang: Language::En,
    switch_to: "Bahasa Indonesia",
    skip_to_content: "Skip to content",
    footer: "Giliran — queues without the crowd",

    login_title: "Staff login",
    username: "Username",
    password: "Password",
    log_in: "Log in",
    log_out: "Log out",
    wrong_credentials: "Wrong username or password.",
    account_disabled: "This account is disabled. Ask an admin.",
    too_many_attempts: "Too many attempts. Try again in a moment.",
    session_ended: "Your session has ended. Please log in again.",

    take_title: "Take a queue number",
    choose_service: "Choose a service",
    waiting_now: "waiting",
    quota_left: "left today",
    service_closed: "Closed",
    your_name: "Name",
    your_phone: "Mobile number",
    optional: "optional",
    phone_hint: "To check your place by phone number if this page is closed.",
    take_ticket: "Take a number",
    no_services: "No service is open yet.",
    privacy_note: "Your name and number are seen by staff only, never on a screen.",

    console_title: "Staff console",
    choose_counter: "Choose a counter",
    no_counters: "You are not assigned to any counter yet. Ask an admin.",
    counter: "Counter",
    now_serving: "Now serving",
    nobody_called: "Nobody called yet.",
    call_next: "Call next",
    recall: "Recall",
    complete: "Done",
    skip: "Skip",
    transfer_to: "Transfer to service",
    booking_code: "Booking code",
    next_station: "When done, goes to",
    complete_end_visit: "Done, visit ends here",
    complete_send_to: "Done & send to",
    find_visit: "Find a visit",
    search: "Search",
    send: "Send",
    visit_not_found: "No visit has that booking code.",
    visit_planned: "next",
    visit_finished: "The visit is finished.",
    visit_waiting_at: "Waiting at",
    visit_called_to: "Called to",
    waited_longest: "Waited longest",
    transfer: "Transfer",
    pause: "Pause counter",
    resume: "Resume counter",
    paused_notice: "Counter paused: it calls nobody.",
    waiting_list: "Waiting",
    nobody_waiting: "Nobody is waiting.",
    skipped_list: "Skipped today",
    requeue: "Queue again",
    cancel_ticket: "Cancel",
    today: "Today",
    number: "Number",
    name: "Name",
    priority: "Priority",
    taken_at: "Taken",
    called_at: "Called",
    recalls: "Recalls",
    more_waiting: "and more",
    shortcuts: "Shortcuts: N call next, R recall, S done, L skip.",

    admin_title: "Admin panel",
    nav_dashboard: "Dashboard",
    nav_services: "Services",
    nav_counters: "Counters",
    nav_users: "Users",
    nav_displays: "Displays",
    nav_settings: "Settings",
    nav_console: "Staff console",
    save: "Save",
    create: "Add",
    edit: "Edit",
    code: "Code",
    daily_quota: "Daily quota",
    no_quota: "no limit",
    open: "Open",
    closed: "Closed",
    accepts_tickets: "Takes tickets",
    new_service: "New service",
    services: "Services",
    service_order_hint: "Tick the services this counter calls, most preferred first.",
    new_counter: "New counter",
    counter_number: "Counter number",
    paused: "Paused",
    active: "Active",
    new_user: "New user",
    display_name: "Display name",
    role: "Role",
    role_admin: "Admin",
    role_staff: "Staff",
    counters: "Counters",
    new_password: "New password",
    new_password_hint: "At least 10 characters. Leave empty to keep it.",
    disabled: "Disabled",
    new_display: "New display",
    display_name_hint: "Where it hangs, such as \"Waiting room, 1st floor\".",
    token_once: "This display's token is shown only once. Enter it on the display now:",
    revoke: "Revoke",
    revoked: "Revoked",
    last_seen: "Last seen",
    never: "never",
    created: "Created",
    hospital_name: "Hospital or clinic name",
    marquee: "Running text on the display",
    time_zone: "Time zone",
    time_zone_hint: "Set when the server starts (--tz).",
    saved: "Saved.",
    status: "Status",
    waiting: "Waiting",
    current: "Current number",
    nav_audit: "Audit log",
    nav_poster: "QR poster",
    audit_user: "User",
    audit_action: "Action",
    audit_target: "Target",
    audit_detail: "Detail",
    audit_ip: "IP address",
    audit_at: "Time",
    everyone: "Everyone",
    filter: "Filter",
    older: "Older",
    newest: "Newest",
    nothing_found: "Nothing matches.",
    poster_title: "Take your queue number on your phone",
    poster_scan: "Scan this code with your phone's camera",
    poster_steps: [
        "Choose the service you came for.",
        "Press \"Take a number\". Your number shows at once.",
        "Wait in comfort: the page tells you when you are called.",
    ],
    poster_url: "Patient page address",
    poster_url_hint: "The address the QR code opens; change it if patients reach the server by another address.",
    recent_calls: "Recent calls",
    nav_history: "History",
    from_day: "From",
    to_day: "To",
    any: "Any",
    history_unreadable: "The filter cannot be read. Check the dates and the number.",
    history_from_after_to: "The first day must come before the last.",
    history_range_too_long: "At most 366 days at a time. Choose a shorter range.",
    tickets_found: "tickets",
    page_of: "of",
    previous: "Previous",
    next: "Next",
    download_xlsx: "Download Excel (.xlsx)",
    download_csv: "Download CSV",
    day: "Day",
    finished_at: "Finished",
    wait_minutes: "Wait (min)",
    phone: "Phone",
    issued_today: "Taken today",
    done_today: "Served",
    avg_wait: "Average wait",
    avg_service: "Average service",
    no_show_rate: "No-shows",
    per_hour: "Tickets per hour",
    per_hour_summary: "Tickets taken and called per hour today",
    hour: "Hour",
    taken: "Taken",
    minutes_short: "min",
    reset_title: "Start today over",
    reset_explain: "Every ticket still open today expires, each service's numbers go back to 001 and quotas start afresh. The history is kept. This cannot be undone.",
    reset_password: "Your password",
    reset_button: "Start today over",
    reset_confirm: "Really start today over? Every open ticket will expire.",
    reset_done: "Today started over. The next number is 001.",
    confirm_revoke: "Revoke this display? It is cut off at once.",
    announcement: "Call announcement",
    announcement_hint: "Write {number} where the ticket number goes and {counter} where the counter's name goes.",
    announcement_example: "What the display says, for example:",
    announcement_language: "Language numbers are read in",
    voice: "Voice",
    voice_hint: "The display's speech engine voice; \"id\" is espeak-ng's Indonesian voice.",
    hours: "Hours",
    destination: "The clinic you came for",
    destination_unsure: "Not sure — registration staff will decide",
    station: "Kind",
    route_next: "When done, continue to",
    route_ends: "— visit ends —",
    route_hint: "Patients get a number at the next service by themselves; staff can still choose another. Registration sends patients to the poli they chose.",
    opens_at: "Opens at",
    closes_at: "Closes at",
    all_day: "all day",
    hours_hint: "Patients can take a number between these times. Leave both empty for all day.",
    closed_now_opens: "Outside its hours ·",
};

/// What the pages' scripts say, handed to them as JSON in a `data-texts` attribute.
#[derive(Debug, Serialize)]
pub struct ScriptTexts {
    /// Messages for the API's error codes a user can meet; others show the API's own message.
    pub errors: Vec<(ErrorCode, &'static str)>,
    /// Messages for `invalid_field` by field, where the API's own would not do.
    pub field_errors: Vec<(&'static str, &'static str)>,
    pub network_error: &'static str,
    pub offline: &'static str,
    pub live: &'static str,
    pub status: Vec<(TicketStatus, &'static str)>,
    pub your_number: &'static str,
    pub people_ahead: &'static str,
    pub nobody_ahead: &'static str,
    pub eta: &'static str,
    pub minutes: &'static str,
    pub go_to: &'static str,
    pub called_alert: &'static str,
    pub near_alert: &'static str,
    pub cancel: &'static str,
    pub cancel_confirm: &'static str,
    pub take_another: &'static str,
    pub enable_sound: &'static str,
    pub already_active: &'static str,
    pub choose_first: &'static str,
    pub saved: &'static str,
    pub booking_code: &'static str,
    pub visit_title: &'static str,
    pub visit_later: &'static str,
    /// People ahead at which a patient is told their turn is near (the core's rule).
    pub near_threshold: u32,
}

impl ScriptTexts {
    pub fn of(lang: Language) -> ScriptTexts {
        let t = lang.texts();
        let status = TicketStatus::ALL
            .into_iter()
            .map(|s| (s, lang.status(s)))
            .collect();
        let id = lang == Language::Id;
        let pick =
            |id_text: &'static str, en_text: &'static str| if id { id_text } else { en_text };
        use ErrorCode as C;
        let errors = vec![
            (
                C::ServiceClosed,
                pick("Layanan ini sedang tutup.", "This service is closed now."),
            ),
            (
                C::QuotaFull,
                pick("Kuota hari ini sudah habis.", "Today's quota is used up."),
            ),
            (
                C::RateLimited,
                pick(
                    "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.",
                    "Too many requests. Wait a moment and try again.",
                ),
            ),
            (
                C::CounterPaused,
                pick("Loket sedang dijeda.", "The counter is paused."),
            ),
            (
                C::NoCurrentTicket,
                pick(
                    "Belum ada pasien yang dipanggil di loket ini.",
                    "This counter has no called patient.",
                ),
            ),
            (
                C::AlreadyExists,
                pick(
                    "Sudah ada yang memakai kode, nomor atau nama itu.",
                    "That code, number or name is already in use.",
                ),
            ),
            (C::Unauthorized, pick(t.session_ended, t.session_ended)),
            (
                C::Forbidden,
                pick(
                    "Anda tidak berwenang melakukan ini.",
                    "You may not do this.",
                ),
            ),
            (
                C::Unavailable,
                pick(
                    "Server sedang sibuk. Coba lagi.",
                    "The server is busy. Try again.",
                ),
            ),
            (
                C::Timeout,
                pick(
                    "Permintaan terlalu lama. Periksa dulu sebelum mengulang.",
                    "The request took too long. Check before repeating it.",
                ),
            ),
        ];
        ScriptTexts {
            errors,
            field_errors: vec![
                (
                    "password",
                    pick(
                        "Bukan kata sandi Anda; hari ini tidak dimulai ulang.",
                        "That is not your password; the day was not started over.",
                    ),
                ),
                (
                    "announcement_template",
                    pick(
                        "Kalimat panggilan harus memuat {number}, boleh memuat {counter}, tanpa kurung kurawal lain, paling banyak 300 huruf.",
                        "The announcement must contain {number}, may contain {counter}, no other braces, at most 300 characters.",
                    ),
                ),
                (
                    "voice",
                    pick(
                        "Nama suara hanya huruf, angka, '-', '_', '+' atau '.'.",
                        "A voice name is letters, digits, '-', '_', '+' or '.' only.",
                    ),
                ),
            ],
            network_error: pick(
                "Tidak dapat menghubungi server. Periksa koneksi lalu coba lagi.",
                "Cannot reach the server. Check the connection and try again.",
            ),
            offline: pick(
                "Terputus — menyambung kembali…",
                "Disconnected — reconnecting…",
            ),
            live: pick("Terhubung langsung", "Live"),
            status,
            your_number: pick("Nomor antrean Anda", "Your queue number"),
            people_ahead: pick("orang di depan Anda", "people ahead of you"),
            nobody_ahead: pick("Anda berikutnya!", "You are next!"),
            eta: pick("Perkiraan menunggu", "Estimated wait"),
            minutes: pick("menit", "min"),
            go_to: pick("Silakan menuju", "Please go to"),
            called_alert: pick(
                "Giliran Anda! Nomor Anda dipanggil.",
                "Your turn! Your number is called.",
            ),
            near_alert: pick(
                "Sebentar lagi giliran Anda. Mohon bersiap.",
                "Your turn is near. Please get ready.",
            ),
            cancel: pick("Batalkan antrean", "Cancel my ticket"),
            cancel_confirm: pick("Batalkan nomor antrean ini?", "Cancel this ticket?"),
            take_another: pick("Ambil nomor baru", "Take a new number"),
            enable_sound: pick("Nyalakan suara panggilan", "Turn on the call sound"),
            already_active: pick(
                "Anda sudah memegang nomor antrean aktif:",
                "You already hold an active ticket:",
            ),
            choose_first: pick("Pilih layanan dulu.", "Choose a service first."),
            saved: t.saved,
            booking_code: pick("Kode booking", "Booking code"),
            visit_title: pick("Kunjungan Anda hari ini", "Your visit today"),
            visit_later: pick("berikutnya", "next"),
            near_threshold: giliran_core::view::DEFAULT_NEAR_THRESHOLD,
        }
    }

    /// As JSON for a `data-texts` attribute (the template escapes it).
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE;

    #[test]
    fn indonesian_unless_the_cookie_says_english() {
        let mut headers = HeaderMap::new();
        assert_eq!(Language::of(&headers), Language::Id);
        headers.insert(COOKIE, "giliran_lang=en; a=b".parse().unwrap());
        assert_eq!(Language::of(&headers), Language::En);
        headers.insert(COOKIE, "giliran_lang=fr".parse().unwrap());
        assert_eq!(Language::of(&headers), Language::Id);
    }

    #[test]
    fn script_texts_name_every_status_in_each_language() {
        for lang in [Language::Id, Language::En] {
            let texts = ScriptTexts::of(lang);
            assert_eq!(texts.status.len(), 7);
            let json: serde_json::Value = serde_json::from_str(&texts.json()).unwrap();
            assert_eq!(json["status"][1][0], "called");
        }
        assert_eq!(Language::Id.status(TicketStatus::Called), "dipanggil");
        assert_eq!(
            Language::En.priority(giliran_core::call_order::Priority::Elderly),
            "elderly"
        );
    }
}
