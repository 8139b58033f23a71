//! The words the server itself shows people (in exported files; later in its pages), in
//! Indonesian first and English second, kept in this one place.

use giliran_core::call_order::Priority;
use giliran_core::status::TicketStatus;
use giliran_core::visit::Station;
use serde::Deserialize;

/// The language of what a person reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Id => "id",
            Language::En => "en",
        }
    }

    /// A ticket status as a word for people.
    pub fn status(self, status: TicketStatus) -> &'static str {
        use TicketStatus as S;
        match (self, status) {
            (Language::Id, S::Waiting) => "menunggu",
            (Language::Id, S::Called) => "dipanggil",
            (Language::Id, S::Done) => "selesai",
            (Language::Id, S::Skipped) => "dilewati",
            (Language::Id, S::Cancelled) => "dibatalkan",
            (Language::Id, S::Transferred) => "dialihkan",
            (Language::Id, S::Expired) => "kedaluwarsa",
            (Language::En, status) => status.as_str(),
        }
    }

    /// A priority as words for people.
    pub fn priority(self, priority: Priority) -> &'static str {
        use Priority as P;
        match (self, priority) {
            (Language::Id, P::Regular) => "biasa",
            (Language::Id, P::Elderly) => "lansia",
            (Language::Id, P::Pregnant) => "ibu hamil",
            (Language::Id, P::Disabled) => "disabilitas",
            (Language::Id, P::Emergency) => "darurat",
            (Language::En, priority) => priority.as_str(),
        }
    }

    /// A kind of station as a word for people.
    pub fn station(self, station: Station) -> &'static str {
        use Station as S;
        match (self, station) {
            (Language::Id, S::Registration) => "pendaftaran",
            (Language::Id, S::Poli) => "poli / ruang periksa",
            (Language::Id, S::Pharmacy) => "farmasi",
            (Language::Id, S::Cashier) => "kasir",
            (Language::Id, S::Laboratory) => "laboratorium",
            (Language::Id, S::Radiology) => "radiologi",
            (Language::Id, S::Other) => "lainnya",
            (Language::En, S::Poli) => "clinic / doctor's room",
            (Language::En, station) => station.as_str(),
        }
    }

    /// Column headings of the history export, in the order of its columns.
    pub fn history_headings(self) -> [&'static str; 13] {
        match self {
            Language::Id => [
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
            ],
            Language::En => [
                "Date",
                "Number",
                "Service",
                "Counter",
                "Status",
                "Priority",
                "Name",
                "Phone",
                "Taken",
                "Called",
                "Finished",
                "Wait (minutes)",
                "Service time (minutes)",
            ],
        }
    }

    /// The name of the history sheet inside a workbook.
    pub fn history_sheet(self) -> &'static str {
        match self {
            Language::Id => "Riwayat",
            Language::En => "History",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_priority_has_a_distinct_word_in_each_language() {
        for lang in [Language::Id, Language::En] {
            let statuses: std::collections::HashSet<_> =
                TicketStatus::ALL.map(|s| lang.status(s)).into();
            assert_eq!(statuses.len(), TicketStatus::ALL.len(), "{lang:?}");
            let priorities: std::collections::HashSet<_> =
                Priority::ALL.map(|p| lang.priority(p)).into();
            assert_eq!(priorities.len(), Priority::ALL.len(), "{lang:?}");
        }
        assert_eq!(Language::Id.status(TicketStatus::Expired), "kedaluwarsa");
        assert_eq!(Language::Id.priority(Priority::Pregnant), "ibu hamil");
        assert_eq!(Language::En.status(TicketStatus::Skipped), "skipped");
    }
}
