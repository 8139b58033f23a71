//! What is said for a call: the server's announcement template and language (settings an admin
//! edits in the panel), rendered by the core, which owns the Indonesian number words.

use giliran_core::announce::{Language, Template};
use giliran_core::events::Call;
use giliran_core::wire::DisplaySettings;

/// The sentence pattern and the language numbers are read in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    template: Template,
    language: Language,
}

impl Script {
    /// From the server's settings; anything unreadable (a newer server's language, say) falls
    /// back to the built-in Indonesian sentence rather than silence.
    pub fn from_settings(settings: &DisplaySettings) -> Script {
        let language = Language::parse(&settings.announcement_language).unwrap_or_default();
        let template = Template::parse(&settings.announcement_template)
            .unwrap_or_else(|_| Template::default_for(language));
        Script { template, language }
    }

    /// The sentence for `call`; a number the core cannot read aloud is spoken as written.
    pub fn line(&self, call: &Call) -> String {
        self.template
            .render(self.language, &call.number, &call.counter_name)
            .unwrap_or_else(|_| format!("{}, {}", call.number, call.counter_name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    fn call(number: &str, counter: &str) -> Call {
        Call {
            ticket_id: Uuid::nil(),
            number: number.into(),
            service_id: Uuid::nil(),
            counter_id: Uuid::nil(),
            counter_number: 2,
            counter_name: counter.into(),
            called_at: Utc::now(),
            recalls: 0,
        }
    }

    fn settings(template: &str, language: &str) -> DisplaySettings {
        DisplaySettings {
            hospital_name: String::new(),
            marquee: String::new(),
            time_zone: "Asia/Jakarta".into(),
            announcement_template: template.into(),
            announcement_language: language.into(),
            voice: "id".into(),
        }
    }

    #[test]
    fn the_admins_sentence_is_spoken_with_the_cores_number_words() {
        let script = Script::from_settings(&settings("Nomor {number} ke {counter}.", "id"));
        assert_eq!(
            script.line(&call("A-123", "Loket 2")),
            "Nomor A seratus dua puluh tiga ke Loket dua."
        );
    }

    #[test]
    fn an_unreadable_setting_falls_back_to_the_built_in_sentence() {
        let script = Script::from_settings(&settings("{nomor}", "xx"));
        assert_eq!(
            script.line(&call("B-007", "Ruang Gigi")),
            "Nomor antrean B tujuh, silakan menuju Ruang Gigi."
        );
    }
}
