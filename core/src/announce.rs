//! The words of a call: what the waiting-room display speaks and the apps show when a ticket is
//! called ("Nomor antrean A seratus dua puluh tiga, silakan menuju Loket dua."). Numbers are
//! written out as words here, once, so a TTS engine never has to guess how to read `A-123`
//! and every screen shows the same sentence the speakers say.

use serde::{Deserialize, Serialize};

use crate::number::parse_ticket_number;

/// The language an announcement is spoken in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    /// Bahasa Indonesia, the waiting room's language.
    #[default]
    #[serde(rename = "id")]
    Indonesian,
    /// English, for hospitals that also announce for foreign visitors.
    #[serde(rename = "en")]
    English,
}

/// A language code that is neither Indonesian nor English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("language {0:?} is not supported; use \"id\" (Indonesian) or \"en\" (English)")]
pub struct UnknownLanguage(String);

impl Language {
    /// Every language an announcement can be made in, the default first.
    pub const ALL: [Language; 2] = [Language::Indonesian, Language::English];

    /// The ISO 639-1 code: `id` or `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Indonesian => "id",
            Language::English => "en",
        }
    }

    /// Accepts `id` and `en` in any case, with a region (`id-ID`, `en_GB`) since that is what
    /// browsers and phones report, and `in`, the old code Java's `Locale` still gives Indonesian
    /// on many Android versions.
    pub fn parse(raw: &str) -> Result<Language, UnknownLanguage> {
        let raw = raw.trim();
        let primary = raw.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "id" | "in" => Ok(Language::Indonesian),
            "en" => Ok(Language::English),
            _ => Err(UnknownLanguage(raw.chars().take(40).collect())),
        }
    }
}

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Language::parse(raw)
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `n` written out in words, for every `u32` so any sequence a ticket number can carry is
/// speakable.
///
/// Indonesian follows the usual *terbilang* spelling: `se-` stands for one before `puluh`,
/// `belas`, `ratus` and `ribu` (`sepuluh`, `sebelas`, `seratus`, `seribu`) but not before
/// `juta` and `miliar` (`satu juta`), and zero is said only alone (`nol`).
///
/// English is American style without "and", tens and units joined by a hyphen
/// (`one hundred twenty-three`, `one thousand one`): short, unambiguous, and read as intended
/// by TTS engines, which treat the hyphenated pair as one number word.
pub fn number_words(language: Language, n: u32) -> String {
    match language {
        Language::Indonesian => indonesian_words(n),
        Language::English => english_words(n),
    }
}

const ID_DIGITS: [&str; 10] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];

/// Appends `word`, separated from what came before by one space.
fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

fn indonesian_words(n: u32) -> String {
    if n == 0 {
        return ID_DIGITS[0].to_owned();
    }
    let mut out = String::new();
    for (scale, name) in [
        (1_000_000_000, "miliar"),
        (1_000_000, "juta"),
        (1_000, "ribu"),
    ] {
        let group = n / scale % 1000;
        if group == 1 && scale == 1_000 {
            push_word(&mut out, "seribu");
        } else if group > 0 {
            indonesian_below_thousand(&mut out, group);
            push_word(&mut out, name);
        }
    }
    indonesian_below_thousand(&mut out, n % 1000);
    out
}

/// 1..=999; nothing for 0, which only a whole number of thousands leaves behind.
fn indonesian_below_thousand(out: &mut String, n: u32) {
    let (hundreds, rest) = (n / 100, n % 100);
    match hundreds {
        0 => {}
        1 => push_word(out, "seratus"),
        h => {
            push_word(out, ID_DIGITS[h as usize]);
            push_word(out, "ratus");
        }
    }
    match rest {
        0 => {}
        1..=9 => push_word(out, ID_DIGITS[rest as usize]),
        10 => push_word(out, "sepuluh"),
        11 => push_word(out, "sebelas"),
        12..=19 => {
            push_word(out, ID_DIGITS[(rest - 10) as usize]);
            push_word(out, "belas");
        }
        _ => {
            push_word(out, ID_DIGITS[(rest / 10) as usize]);
            push_word(out, "puluh");
            if rest % 10 != 0 {
                push_word(out, ID_DIGITS[(rest % 10) as usize]);
            }
        }
    }
}

const EN_BELOW_TWENTY: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn english_words(n: u32) -> String {
    if n == 0 {
        return EN_BELOW_TWENTY[0].to_owned();
    }
    let mut out = String::new();
    for (scale, name) in [
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ] {
        let group = n / scale % 1000;
        if group > 0 {
            english_below_thousand(&mut out, group);
            push_word(&mut out, name);
        }
    }
    english_below_thousand(&mut out, n % 1000);
    out
}

/// 1..=999; nothing for 0.
fn english_below_thousand(out: &mut String, n: u32) {
    let (hundreds, rest) = (n / 100, n % 100);
    if hundreds > 0 {
        push_word(out, EN_BELOW_TWENTY[hundreds as usize]);
        push_word(out, "hundred");
    }
    match rest {
        0 => {}
        1..=19 => push_word(out, EN_BELOW_TWENTY[rest as usize]),
        _ => {
            push_word(out, EN_TENS[(rest / 10) as usize]);
            if rest % 10 != 0 {
                out.push('-');
                out.push_str(EN_BELOW_TWENTY[(rest % 10) as usize]);
            }
        }
    }
}

/// A ticket number that is not one we issue, so it cannot be spoken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a ticket number such as \"A-001\" or \"UGD-012\"")]
pub struct InvalidTicketNumber(String);

/// `A-123` → `A seratus dua puluh tiga`, `UGD-007` → `U G D tujuh`: the code letter by letter
/// (read as a word, `UGD` or `UM` would come out as a made-up syllable), the sequence as a
/// number without its padding zeros.
pub fn speak_ticket_number(
    language: Language,
    ticket_number: &str,
) -> Result<String, InvalidTicketNumber> {
    let (code, sequence) = parse_ticket_number(ticket_number)
        .ok_or_else(|| InvalidTicketNumber(ticket_number.chars().take(40).collect()))?;
    let mut out = String::new();
    for letter in code.as_str().chars() {
        push_word(&mut out, letter.encode_utf8(&mut [0; 4]));
    }
    push_word(&mut out, &number_words(language, sequence));
    Ok(out)
}

/// `Loket 2` → `Loket dua`, `Loket 12A` → `Loket dua belas A`: each run of digits becomes
/// number words, set apart by a space from letters it touches; everything else is kept as the
/// admin wrote it, with runs of whitespace made one space. A run too long for a number
/// (a code, not a count) is read digit by digit.
pub fn speak_counter_name(language: Language, name: &str) -> String {
    let mut spoken = String::with_capacity(name.len() * 2);
    let mut rest = name;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let (before, tail) = rest.split_at(start);
        let end = tail
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (digits, after) = tail.split_at(end);
        spoken.push_str(before);
        if before
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            spoken.push(' ');
        }
        spoken.push_str(&speak_digits(language, digits));
        if after.chars().next().is_some_and(char::is_alphanumeric) {
            spoken.push(' ');
        }
        rest = after;
    }
    spoken.push_str(rest);
    spoken.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A run of ASCII digits: its value in words, or digit by digit when it does not fit a `u32`.
fn speak_digits(language: Language, digits: &str) -> String {
    match digits.parse::<u32>() {
        Ok(n) => number_words(language, n),
        Err(_) => digits
            .bytes()
            .map(|b| number_words(language, u32::from(b - b'0')))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Longest template, in characters: one sentence, spoken in well under half a minute.
pub const MAX_TEMPLATE_CHARS: usize = 300;

/// The announcement in Indonesian unless an admin sets another.
pub const DEFAULT_TEMPLATE_ID: &str = "Nomor antrean {number}, silakan menuju {counter}.";
/// The announcement in English unless an admin sets another.
pub const DEFAULT_TEMPLATE_EN: &str = "Number {number}, please go to {counter}.";

/// An announcement sentence with `{number}` and `{counter}` where the ticket number and the
/// counter name go, checked once when an admin saves it so that rendering can only fail on a
/// malformed ticket number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Number,
    Counter,
}

/// Why an announcement template was refused; the message is meant for the admin who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "the announcement is empty; write the sentence to speak, with {{number}} where the ticket number goes"
    )]
    Empty,
    #[error(
        "the announcement is {chars} characters long; shorten it to at most {MAX_TEMPLATE_CHARS}"
    )]
    TooLong { chars: usize },
    #[error(
        "{{{name}}} at character {position} is not a placeholder; use {{number}} for the ticket number and {{counter}} for the counter"
    )]
    UnknownPlaceholder { name: String, position: usize },
    #[error(
        "the \"{{\" at character {position} is never closed; write placeholders as {{number}} or {{counter}}"
    )]
    UnclosedBrace { position: usize },
    #[error(
        "the \"}}\" at character {position} has no \"{{\" before it; write placeholders as {{number}} or {{counter}}"
    )]
    UnopenedBrace { position: usize },
    #[error("the announcement must contain {{number}}, or it would not say which ticket is called")]
    MissingNumber,
}

impl TemplateError {
    /// A stable snake_case code, for a panel that shows its own wording of the error.
    pub fn code(&self) -> &'static str {
        match self {
            TemplateError::Empty => "template_empty",
            TemplateError::TooLong { .. } => "template_too_long",
            TemplateError::UnknownPlaceholder { .. } => "template_unknown_placeholder",
            TemplateError::UnclosedBrace { .. } => "template_unclosed_brace",
            TemplateError::UnopenedBrace { .. } => "template_unopened_brace",
            TemplateError::MissingNumber => "template_missing_number",
        }
    }
}

impl Template {
    /// Checks an admin's template. Braces only ever open a placeholder (there is no escape for a
    /// literal brace: a spoken sentence has no use for one), and positions in errors count
    /// characters from 1, as the admin sees them.
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        if source.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let chars = source.chars().count();
        if chars > MAX_TEMPLATE_CHARS {
            return Err(TemplateError::TooLong { chars });
        }
        let mut segments = Vec::new();
        let mut text = String::new();
        let mut iter = source.chars().zip(1..);
        while let Some((c, position)) = iter.next() {
            match c {
                '{' => {
                    let mut name = String::new();
                    loop {
                        match iter.next() {
                            Some(('}', _)) => break,
                            Some(('{', _)) | None => {
                                return Err(TemplateError::UnclosedBrace { position });
                            }
                            Some((c, _)) => name.push(c),
                        }
                    }
                    let placeholder = match name.as_str() {
                        "number" => Segment::Number,
                        "counter" => Segment::Counter,
                        _ => return Err(TemplateError::UnknownPlaceholder { name, position }),
                    };
                    if !text.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut text)));
                    }
                    segments.push(placeholder);
                }
                '}' => return Err(TemplateError::UnopenedBrace { position }),
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            segments.push(Segment::Text(text));
        }
        if !segments.contains(&Segment::Number) {
            return Err(TemplateError::MissingNumber);
        }
        Ok(Template {
            source: source.to_owned(),
            segments,
        })
    }

    /// The built-in announcement for `language`.
    pub fn default_for(language: Language) -> Template {
        let source = match language {
            Language::Indonesian => DEFAULT_TEMPLATE_ID,
            Language::English => DEFAULT_TEMPLATE_EN,
        };
        Template::parse(source).unwrap_or_else(|e| unreachable!("built-in template: {e}"))
    }

    /// The template as the admin wrote it, to store and to show back in the form.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The sentence for one call. The counter name is inserted as plain text, so a name that
    /// happens to contain `{number}` is spoken as written, not expanded.
    pub fn render(
        &self,
        language: Language,
        ticket_number: &str,
        counter_name: &str,
    ) -> Result<String, InvalidTicketNumber> {
        let number = speak_ticket_number(language, ticket_number)?;
        let counter = speak_counter_name(language, counter_name);
        let mut out = String::with_capacity(self.source.len() + number.len() + counter.len());
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Number => out.push_str(&number),
                Segment::Counter => out.push_str(&counter),
            }
        }
        Ok(out)
    }
}

impl Default for Template {
    fn default() -> Template {
        Template::default_for(Language::default())
    }
}

impl TryFrom<String> for Template {
    type Error = TemplateError;
    fn try_from(source: String) -> Result<Self, Self::Error> {
        Template::parse(&source)
    }
}

impl From<Template> for String {
    fn from(template: Template) -> String {
        template.source
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use Language::{English, Indonesian};

    /// Spellings checked by hand, not derived from the code under test.
    const KNOWN: &[(u32, &str, &str)] = &[
        (0, "nol", "zero"),
        (1, "satu", "one"),
        (2, "dua", "two"),
        (7, "tujuh", "seven"),
        (10, "sepuluh", "ten"),
        (11, "sebelas", "eleven"),
        (12, "dua belas", "twelve"),
        (15, "lima belas", "fifteen"),
        (19, "sembilan belas", "nineteen"),
        (20, "dua puluh", "twenty"),
        (21, "dua puluh satu", "twenty-one"),
        (45, "empat puluh lima", "forty-five"),
        (80, "delapan puluh", "eighty"),
        (99, "sembilan puluh sembilan", "ninety-nine"),
        (100, "seratus", "one hundred"),
        (101, "seratus satu", "one hundred one"),
        (110, "seratus sepuluh", "one hundred ten"),
        (111, "seratus sebelas", "one hundred eleven"),
        (115, "seratus lima belas", "one hundred fifteen"),
        (119, "seratus sembilan belas", "one hundred nineteen"),
        (120, "seratus dua puluh", "one hundred twenty"),
        (123, "seratus dua puluh tiga", "one hundred twenty-three"),
        (
            199,
            "seratus sembilan puluh sembilan",
            "one hundred ninety-nine",
        ),
        (200, "dua ratus", "two hundred"),
        (305, "tiga ratus lima", "three hundred five"),
        (
            999,
            "sembilan ratus sembilan puluh sembilan",
            "nine hundred ninety-nine",
        ),
        (1000, "seribu", "one thousand"),
        (1001, "seribu satu", "one thousand one"),
        (1010, "seribu sepuluh", "one thousand ten"),
        (1011, "seribu sebelas", "one thousand eleven"),
        (1021, "seribu dua puluh satu", "one thousand twenty-one"),
        (1100, "seribu seratus", "one thousand one hundred"),
        (
            1115,
            "seribu seratus lima belas",
            "one thousand one hundred fifteen",
        ),
        (2000, "dua ribu", "two thousand"),
        (2024, "dua ribu dua puluh empat", "two thousand twenty-four"),
        (
            9999,
            "sembilan ribu sembilan ratus sembilan puluh sembilan",
            "nine thousand nine hundred ninety-nine",
        ),
        (10000, "sepuluh ribu", "ten thousand"),
        (11000, "sebelas ribu", "eleven thousand"),
        (12000, "dua belas ribu", "twelve thousand"),
        (21000, "dua puluh satu ribu", "twenty-one thousand"),
        (100000, "seratus ribu", "one hundred thousand"),
        (101000, "seratus satu ribu", "one hundred one thousand"),
        (
            111111,
            "seratus sebelas ribu seratus sebelas",
            "one hundred eleven thousand one hundred eleven",
        ),
        (
            123456,
            "seratus dua puluh tiga ribu empat ratus lima puluh enam",
            "one hundred twenty-three thousand four hundred fifty-six",
        ),
        (200001, "dua ratus ribu satu", "two hundred thousand one"),
        (
            999999,
            "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan",
            "nine hundred ninety-nine thousand nine hundred ninety-nine",
        ),
        (1_000_000, "satu juta", "one million"),
        (1_001_000, "satu juta seribu", "one million one thousand"),
        (
            2_500_000,
            "dua juta lima ratus ribu",
            "two million five hundred thousand",
        ),
        (1_000_000_000, "satu miliar", "one billion"),
        (
            u32::MAX,
            "empat miliar dua ratus sembilan puluh empat juta sembilan ratus enam puluh tujuh ribu \
             dua ratus sembilan puluh lima",
            "four billion two hundred ninety-four million nine hundred sixty-seven thousand \
             two hundred ninety-five",
        ),
    ];

    // ---- Independent readers of number words -------------------------------------------------
    //
    // The generator decomposes a number arithmetically; these read the words back with a
    // grammar over tokens, refusing anything not spelled the canonical way, so a round trip
    // checks both the value and the form.

    fn id_digit(word: &str) -> Option<u64> {
        let value = match word {
            "satu" => 1,
            "dua" => 2,
            "tiga" => 3,
            "empat" => 4,
            "lima" => 5,
            "enam" => 6,
            "tujuh" => 7,
            "delapan" => 8,
            "sembilan" => 9,
            _ => return None,
        };
        Some(value)
    }

    /// One group 1..=999: `[seratus | D ratus] [sepuluh | sebelas | D belas | D puluh [U] | U]`,
    /// where D is dua..sembilan and U satu..sembilan.
    fn read_id_group(tokens: &[&str], pos: &mut usize) -> Option<u64> {
        let at = |i: usize| tokens.get(i).copied();
        let mut value = 0;
        match (at(*pos), at(*pos + 1)) {
            (Some("seratus"), _) => {
                value += 100;
                *pos += 1;
            }
            (Some(d), Some("ratus")) if id_digit(d).is_some_and(|d| d >= 2) => {
                value += id_digit(d)? * 100;
                *pos += 2;
            }
            _ => {}
        }
        match at(*pos) {
            Some("sepuluh") => {
                value += 10;
                *pos += 1;
            }
            Some("sebelas") => {
                value += 11;
                *pos += 1;
            }
            Some(word) => {
                if let Some(d) = id_digit(word) {
                    match at(*pos + 1) {
                        Some("puluh") if d >= 2 => {
                            value += d * 10;
                            *pos += 2;
                            if let Some(u) = at(*pos).and_then(id_digit) {
                                value += u;
                                *pos += 1;
                            }
                        }
                        Some("belas") if d >= 2 => {
                            value += 10 + d;
                            *pos += 2;
                        }
                        _ => {
                            value += d;
                            *pos += 1;
                        }
                    }
                }
            }
            None => {}
        }
        (value > 0).then_some(value)
    }

    fn read_indonesian(text: &str) -> Option<u32> {
        if text == "nol" {
            return Some(0);
        }
        let tokens: Vec<&str> = text.split(' ').collect();
        let mut pos = 0;
        let mut total = 0u64;
        let mut previous_scale = u64::MAX;
        while pos < tokens.len() {
            let (group, scale) = if tokens[pos] == "seribu" {
                pos += 1;
                (1, 1_000)
            } else {
                let group = read_id_group(&tokens, &mut pos)?;
                let scale = match tokens.get(pos).copied() {
                    Some("ribu") => 1_000,
                    Some("juta") => 1_000_000,
                    Some("miliar") => 1_000_000_000,
                    _ => 1,
                };
                if scale > 1 {
                    pos += 1;
                }
                if group == 1 && scale == 1_000 {
                    return None; // "satu ribu" is "seribu"
                }
                (group, scale)
            };
            if scale >= previous_scale {
                return None;
            }
            previous_scale = scale;
            total += group * scale;
        }
        u32::try_from(total).ok()
    }

    fn en_below_twenty(word: &str) -> Option<u64> {
        let all = [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ];
        all.iter().position(|w| *w == word).map(|i| i as u64 + 1)
    }

    fn en_tens(word: &str) -> Option<u64> {
        let all = [
            "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        ];
        all.iter()
            .position(|w| *w == word)
            .map(|i| (i as u64 + 2) * 10)
    }

    /// One token below a hundred: `seven`, `seventeen`, `seventy`, `seventy-seven`.
    fn read_en_below_hundred(token: &str) -> Option<u64> {
        match token.split_once('-') {
            Some((tens, unit)) => Some(en_tens(tens)? + en_below_twenty(unit).filter(|u| *u < 10)?),
            None => en_below_twenty(token).or_else(|| en_tens(token)),
        }
    }

    fn read_english(text: &str) -> Option<u32> {
        if text == "zero" {
            return Some(0);
        }
        let tokens: Vec<&str> = text.split(' ').collect();
        let mut pos = 0;
        let mut total = 0u64;
        let mut previous_scale = u64::MAX;
        while pos < tokens.len() {
            let mut group = 0;
            if tokens.get(pos + 1) == Some(&"hundred") {
                group += en_below_twenty(tokens[pos]).filter(|h| *h < 10)? * 100;
                pos += 2;
            }
            if let Some(rest) = tokens.get(pos).and_then(|t| read_en_below_hundred(t)) {
                group += rest;
                pos += 1;
            }
            if group == 0 {
                return None;
            }
            let scale = match tokens.get(pos).copied() {
                Some("thousand") => 1_000,
                Some("million") => 1_000_000,
                Some("billion") => 1_000_000_000,
                _ => 1,
            };
            if scale > 1 {
                pos += 1;
            }
            if scale >= previous_scale {
                return None;
            }
            previous_scale = scale;
            total += group * scale;
        }
        u32::try_from(total).ok()
    }

    // ---- Structural rules --------------------------------------------------------------------

    fn check_indonesian_shape(n: u32, words: &str) -> Result<(), String> {
        let fail = |why: &str| Err(format!("{n}: {words:?} {why}"));
        if !words.bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
            return fail("has characters other than a-z and space");
        }
        if words.starts_with(' ') || words.ends_with(' ') || words.contains("  ") {
            return fail("has stray spaces");
        }
        let tokens: Vec<&str> = words.split(' ').collect();
        if tokens.contains(&"nol") != (n == 0) || (n == 0 && words != "nol") {
            return fail("says nol other than for zero alone");
        }
        for (i, pair) in tokens.windows(2).enumerate() {
            if pair[0] != "satu" {
                continue;
            }
            match pair[1] {
                "puluh" | "belas" | "ratus" => return fail("says satu where se- belongs"),
                // "dua puluh satu ribu" is right; a thousands group of exactly one is "seribu".
                "ribu" if i == 0 || !matches!(tokens[i - 1], "puluh" | "ratus" | "seratus") => {
                    return fail("says satu ribu where seribu belongs");
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn check_english_shape(n: u32, words: &str) -> Result<(), String> {
        let fail = |why: &str| Err(format!("{n}: {words:?} {why}"));
        if !words
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b' ' || b == b'-')
        {
            return fail("has characters other than a-z, space and hyphen");
        }
        if words.starts_with(' ') || words.ends_with(' ') || words.contains("  ") {
            return fail("has stray spaces");
        }
        let tokens: Vec<&str> = words.split(' ').collect();
        if tokens.contains(&"zero") != (n == 0) || (n == 0 && words != "zero") {
            return fail("says zero other than for zero alone");
        }
        if tokens.contains(&"and") {
            return fail("says and");
        }
        for token in tokens.iter().filter(|t| t.contains('-')) {
            let joined = token.split_once('-').is_some_and(|(t, u)| {
                en_tens(t).is_some() && en_below_twenty(u).is_some_and(|u| u < 10)
            });
            if !joined {
                return fail("hyphenates something other than tens-units");
            }
        }
        Ok(())
    }

    // ---- Number words ------------------------------------------------------------------------

    #[test]
    fn known_numbers_are_spelled_as_people_say_them() {
        assert!(KNOWN.len() >= 40);
        for &(n, id, en) in KNOWN {
            assert_eq!(number_words(Indonesian, n), id, "{n} in Indonesian");
            assert_eq!(number_words(English, n), en, "{n} in English");
        }
    }

    #[test]
    fn the_known_spellings_read_back_and_follow_the_rules() {
        // Checks the oracles themselves against hand-written text.
        for &(n, id, en) in KNOWN {
            assert_eq!(read_indonesian(id), Some(n), "{id:?}");
            assert_eq!(read_english(en), Some(n), "{en:?}");
            check_indonesian_shape(n, id).unwrap();
            check_english_shape(n, en).unwrap();
        }
    }

    #[test]
    fn the_readers_refuse_what_nobody_says() {
        for wrong in [
            "",
            "satu puluh",
            "satu belas",
            "satu ratus",
            "satu ribu",
            "satu ribu satu",
            "sepuluh satu",
            "dua puluh sepuluh",
            "dua ratus seratus",
            "seribu seribu",
            "dua ribu seribu",
            "nol satu",
            "satu nol",
            "dua  puluh",
            "puluh",
            "ribu",
            "seratus ratus",
            "dua ribu tiga juta",
        ] {
            assert_eq!(read_indonesian(wrong), None, "{wrong:?}");
        }
        for wrong in [
            "",
            "twenty three",
            "twenty-ten",
            "one-twenty",
            "ten hundred",
            "one hundred and one",
            "one thousand one thousand",
            "zero one",
            "hundred",
            "thousand",
            "twenty-zero",
        ] {
            assert_eq!(read_english(wrong), None, "{wrong:?}");
        }
    }

    /// Every number below ten thousand (every ticket of a busy day), then every thousands group
    /// and every millions group, each under a set of awkward lower groups: the generator builds
    /// each group alike, so this reaches every shape a group can take in every position without
    /// spending seconds on all of 0..=999_999 in an unoptimised test build.
    fn exhaustive_sample() -> impl Iterator<Item = u32> {
        const LOWER: [u32; 12] = [0, 1, 10, 11, 12, 20, 21, 100, 101, 111, 115, 999];
        let thousands = (10..=999).flat_map(|g| LOWER.map(|low| g * 1_000 + low));
        let millions = (1..=999).flat_map(|g| LOWER.map(|low| g * 1_000_000 + low * 1_001));
        let billions = (1..=4u64)
            .flat_map(|g| LOWER.map(|low| g * 1_000_000_000 + u64::from(low) * 1_001_001))
            .filter_map(|n| u32::try_from(n).ok());
        (0..=9_999).chain(thousands).chain(millions).chain(billions)
    }

    #[test]
    fn every_indonesian_number_below_ten_thousand_and_every_group_reads_back_and_keeps_the_rules() {
        let mut checked = 0;
        for n in exhaustive_sample() {
            let words = number_words(Indonesian, n);
            assert_eq!(read_indonesian(&words), Some(n), "{n}: {words:?}");
            check_indonesian_shape(n, &words).unwrap();
            if n < 10_000 {
                assert!(!words.contains("satu ribu"), "{n}: {words:?}");
            }
            checked += 1;
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn every_english_number_below_ten_thousand_and_every_group_reads_back_and_keeps_the_rules() {
        for n in exhaustive_sample() {
            let words = number_words(English, n);
            assert_eq!(read_english(&words), Some(n), "{n}: {words:?}");
            check_english_shape(n, &words).unwrap();
        }
    }

    proptest! {
        #[test]
        fn any_sequence_a_ticket_can_carry_is_spoken_and_reads_back(n in any::<u32>()) {
            let id = number_words(Indonesian, n);
            prop_assert_eq!(read_indonesian(&id), Some(n), "{:?}", id);
            prop_assert_eq!(check_indonesian_shape(n, &id), Ok(()));
            let en = number_words(English, n);
            prop_assert_eq!(read_english(&en), Some(n), "{:?}", en);
            prop_assert_eq!(check_english_shape(n, &en), Ok(()));
        }
    }

    // ---- Language ----------------------------------------------------------------------------

    #[test]
    fn languages_are_named_by_their_codes() {
        assert_eq!(Language::default(), Indonesian);
        for language in Language::ALL {
            assert_eq!(Language::parse(language.as_str()), Ok(language));
            assert_eq!(language.as_str().parse::<Language>(), Ok(language));
            let json = serde_json::to_string(&language).unwrap();
            assert_eq!(json, format!("\"{}\"", language.as_str()));
            assert_eq!(serde_json::from_str::<Language>(&json).unwrap(), language);
        }
        for (raw, language) in [
            ("ID", Indonesian),
            (" id-ID ", Indonesian),
            ("in_ID", Indonesian),
            ("en-GB", English),
            ("EN", English),
        ] {
            assert_eq!(Language::parse(raw), Ok(language), "{raw:?}");
        }
        for bad in ["", "jv", "ms", "english", "i", "-id"] {
            let err = Language::parse(bad).unwrap_err();
            assert!(err.to_string().contains("\"id\""), "{bad:?}: {err}");
        }
    }

    // ---- Ticket numbers ----------------------------------------------------------------------

    #[test]
    fn ticket_numbers_are_spoken_without_padding_zeros() {
        for (number, id, en) in [
            (
                "A-123",
                "A seratus dua puluh tiga",
                "A one hundred twenty-three",
            ),
            ("A-007", "A tujuh", "A seven"),
            ("A-001", "A satu", "A one"),
            ("B-010", "B sepuluh", "B ten"),
            ("A-1000", "A seribu", "A one thousand"),
            ("UM-012", "U M dua belas", "U M twelve"),
            (
                "UGD-12345",
                "U G D dua belas ribu tiga ratus empat puluh lima",
                "U G D twelve thousand three hundred forty-five",
            ),
        ] {
            assert_eq!(speak_ticket_number(Indonesian, number).unwrap(), id);
            assert_eq!(speak_ticket_number(English, number).unwrap(), en);
        }
    }

    #[test]
    fn malformed_ticket_numbers_are_errors_not_panics() {
        for bad in [
            "",
            "A",
            "A-",
            "-001",
            "A001",
            "a-001",
            "A-01",
            "A-0001",
            "ABCD-001",
            "A-12x",
            "A-99999999999",
            "A--001",
            "Á-001",
        ] {
            for language in Language::ALL {
                let err = speak_ticket_number(language, bad).unwrap_err();
                assert!(err.to_string().contains("A-001"), "{bad:?}: {err}");
            }
        }
        let long = "x".repeat(10_000);
        let err = speak_ticket_number(Indonesian, &long).unwrap_err();
        assert!(
            err.to_string().len() < 100,
            "the error repeats at most a prefix"
        );
    }

    proptest! {
        #[test]
        fn a_ticket_is_its_letters_then_its_sequence(code in "[A-Z]{1,3}", sequence in 0u32..10_000_000) {
            let number = crate::number::format_ticket_number(&code, sequence);
            for language in Language::ALL {
                let spoken = speak_ticket_number(language, &number).unwrap();
                let letters: Vec<String> = code.chars().map(String::from).collect();
                let expected = format!("{} {}", letters.join(" "), number_words(language, sequence));
                prop_assert_eq!(spoken, expected);
            }
        }
    }

    // ---- Counter names -----------------------------------------------------------------------

    #[test]
    fn digits_in_counter_names_are_spoken_and_the_rest_kept() {
        for (name, id, en) in [
            ("Loket 2", "Loket dua", "Loket two"),
            (
                "Ruang Periksa 3",
                "Ruang Periksa tiga",
                "Ruang Periksa three",
            ),
            ("Loket 12A", "Loket dua belas A", "Loket twelve A"),
            ("Loket A12", "Loket A dua belas", "Loket A twelve"),
            ("Loket 01", "Loket satu", "Loket one"),
            ("Poli Gigi", "Poli Gigi", "Poli Gigi"),
            ("Ruang 2-3", "Ruang dua-tiga", "Ruang two-three"),
            (
                "Lantai 2, Ruang 105",
                "Lantai dua, Ruang seratus lima",
                "Lantai two, Ruang one hundred five",
            ),
            ("  Loket\t 4 ", "Loket empat", "Loket four"),
            ("Kasir 0", "Kasir nol", "Kasir zero"),
            ("Ruang Bersalin", "Ruang Bersalin", "Ruang Bersalin"),
            ("Loket ٣", "Loket ٣", "Loket ٣"),
            ("", "", ""),
        ] {
            assert_eq!(speak_counter_name(Indonesian, name), id, "{name:?}");
            assert_eq!(speak_counter_name(English, name), en, "{name:?}");
        }
    }

    #[test]
    fn a_digit_run_too_long_for_a_number_is_read_digit_by_digit() {
        assert_eq!(
            speak_counter_name(Indonesian, "Meja 99999999999"),
            format!("Meja {}", ["sembilan"; 11].join(" "))
        );
        assert_eq!(
            speak_counter_name(English, "Desk 4294967296"),
            "Desk four two nine four nine six seven two nine six"
        );
    }

    proptest! {
        #[test]
        fn a_spoken_counter_name_has_no_digits_and_keeps_its_letters(name in "\\PC{0,40}") {
            for language in Language::ALL {
                let spoken = speak_counter_name(language, &name);
                prop_assert!(!spoken.bytes().any(|b| b.is_ascii_digit()), "{:?}", spoken);
                let letters = |s: &str| s.chars().filter(|c| !c.is_ascii_digit() && !c.is_whitespace()).collect::<String>();
                // Everything but digits and whitespace is kept, in order.
                let kept = letters(&name);
                let mut rest = spoken.chars().filter(|c| !c.is_whitespace());
                prop_assert!(kept.chars().all(|c| rest.any(|s| s == c)), "{:?} -> {:?}", name, spoken);
            }
        }
    }

    // ---- Templates ---------------------------------------------------------------------------

    #[test]
    fn the_default_announcements_read_as_the_display_speaks_them() {
        assert_eq!(
            Template::default()
                .render(Indonesian, "A-123", "Loket 2")
                .unwrap(),
            "Nomor antrean A seratus dua puluh tiga, silakan menuju Loket dua."
        );
        assert_eq!(
            Template::default_for(English)
                .render(English, "A-123", "Loket 2")
                .unwrap(),
            "Number A one hundred twenty-three, please go to Loket two."
        );
        assert_eq!(
            Template::default_for(Indonesian)
                .render(Indonesian, "UM-012", "Ruang Periksa 3")
                .unwrap(),
            "Nomor antrean U M dua belas, silakan menuju Ruang Periksa tiga."
        );
        assert_eq!(Template::default().as_str(), DEFAULT_TEMPLATE_ID);
        assert_eq!(
            Template::default_for(English).to_string(),
            DEFAULT_TEMPLATE_EN
        );
    }

    #[test]
    fn an_admin_template_may_repeat_or_leave_out_placeholders_except_number() {
        let twice = Template::parse("{number}. Sekali lagi, {number}, ke {counter}").unwrap();
        assert_eq!(
            twice.render(Indonesian, "B-007", "Loket 12A").unwrap(),
            "B tujuh. Sekali lagi, B tujuh, ke Loket dua belas A"
        );
        let no_counter = Template::parse("Panggilan untuk {number}").unwrap();
        assert_eq!(
            no_counter.render(Indonesian, "C-020", "Loket 3").unwrap(),
            "Panggilan untuk C dua puluh"
        );
        let bare = Template::parse("{number}").unwrap();
        assert_eq!(bare.render(English, "A-100", "x").unwrap(), "A one hundred");
    }

    #[test]
    fn a_counter_name_with_braces_is_spoken_as_written_not_expanded() {
        let template = Template::default();
        assert_eq!(
            template
                .render(Indonesian, "A-001", "Loket {number}")
                .unwrap(),
            "Nomor antrean A satu, silakan menuju Loket {number}."
        );
    }

    #[test]
    fn rendering_a_malformed_ticket_number_is_an_error() {
        let template = Template::default();
        for bad in ["", "A123", "a-001", "A-1"] {
            assert!(
                template.render(Indonesian, bad, "Loket 1").is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn admins_are_told_why_a_template_is_refused() {
        use TemplateError::*;
        let cases: Vec<(String, TemplateError, &str)> = vec![
            ("".into(), Empty, "empty"),
            ("   \n ".into(), Empty, "empty"),
            (
                format!("{{number}} {}", "a".repeat(300)),
                TooLong { chars: 309 },
                "at most 300",
            ),
            (
                "Nomor {nomor}, ke {counter}".into(),
                UnknownPlaceholder {
                    name: "nomor".into(),
                    position: 7,
                },
                "{nomor} at character 7 is not a placeholder",
            ),
            (
                "Nomor {Number}".into(),
                UnknownPlaceholder {
                    name: "Number".into(),
                    position: 7,
                },
                "use {number}",
            ),
            (
                "{number} {}".into(),
                UnknownPlaceholder {
                    name: "".into(),
                    position: 10,
                },
                "{} at character 10",
            ),
            (
                "Nomor {number, ke loket".into(),
                UnclosedBrace { position: 7 },
                "\"{\" at character 7 is never closed",
            ),
            (
                "Nomor {{number}}".into(),
                UnclosedBrace { position: 7 },
                "never closed",
            ),
            (
                "{number} ke {counter".into(),
                UnclosedBrace { position: 13 },
                "never closed",
            ),
            (
                "{number} ke counter}".into(),
                UnopenedBrace { position: 20 },
                "\"}\" at character 20 has no \"{\" before it",
            ),
            (
                "Silakan menuju {counter}".into(),
                MissingNumber,
                "must contain {number}",
            ),
            (
                "Nomor antrean".into(),
                MissingNumber,
                "must contain {number}",
            ),
        ];
        for (source, expected, message) in cases {
            let err = Template::parse(&source).unwrap_err();
            assert_eq!(err, expected, "{source:?}");
            assert!(err.to_string().contains(message), "{source:?}: {err}");
            assert!(err.code().starts_with("template_"));
        }
    }

    #[test]
    fn the_length_limit_counts_characters_not_bytes() {
        let at_limit = format!("{{number}}{}", "é".repeat(MAX_TEMPLATE_CHARS - 8));
        assert_eq!(at_limit.chars().count(), MAX_TEMPLATE_CHARS);
        assert!(Template::parse(&at_limit).is_ok());
        let over = format!("{at_limit}é");
        assert_eq!(
            Template::parse(&over),
            Err(TemplateError::TooLong {
                chars: MAX_TEMPLATE_CHARS + 1
            })
        );
    }

    #[test]
    fn templates_are_stored_as_the_text_the_admin_wrote() {
        let template = Template::parse("Antrean {number} → {counter}").unwrap();
        let json = serde_json::to_string(&template).unwrap();
        assert_eq!(json, "\"Antrean {number} → {counter}\"");
        assert_eq!(serde_json::from_str::<Template>(&json).unwrap(), template);
        assert!(serde_json::from_str::<Template>("\"{nomor}\"").is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_what_parses_renders(source in "[ -~é{}]{0,320}") {
            if let Ok(template) = Template::parse(&source) {
                prop_assert_eq!(template.as_str(), source.as_str());
                let rendered = template.render(Indonesian, "A-001", "Loket 1").unwrap();
                prop_assert!(rendered.contains("A satu"));
            }
        }

        #[test]
        fn text_around_placeholders_is_kept_exactly(
            before in "[^{}]{0,50}", between in "[^{}]{0,50}", after in "[^{}]{0,50}",
        ) {
            let template = Template::parse(&format!("{before}{{number}}{between}{{counter}}{after}"))
                .unwrap();
            let rendered = template.render(English, "A-002", "Loket 3").unwrap();
            prop_assert_eq!(rendered, format!("{before}A two{between}Loket three{after}"));
        }
    }
}
