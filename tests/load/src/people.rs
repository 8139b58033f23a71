//! Made-up Indonesian patients for demo traffic: names, mobile numbers and addresses drawn from
//! common parts, reproducible from a seed. They only ever go into a database the load tool made
//! for the run (see `giliran-load demo`), never into a real one.

use giliran_core::call_order::Priority;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const GIVEN: [&str; 32] = [
    "Siti", "Budi", "Dewi", "Agus", "Sri", "Andi", "Rina", "Joko", "Putri", "Wahyu", "Nur", "Eko",
    "Ayu", "Hendra", "Fitri", "Rudi", "Indah", "Bambang", "Lestari", "Yusuf", "Ratna", "Dian",
    "Teguh", "Maya", "Arif", "Wulan", "Rizky", "Intan", "Made", "Ketut", "Nyoman", "Fajar",
];
const FAMILY: [&str; 24] = [
    "Rahayu",
    "Santoso",
    "Wijaya",
    "Saputra",
    "Lestari",
    "Hidayat",
    "Kusuma",
    "Pratama",
    "Susanti",
    "Nugroho",
    "Setiawan",
    "Handayani",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Sinaga",
    "Wibowo",
    "Purnomo",
    "Gunawan",
    "Suryani",
    "Hasibuan",
    "Pohan",
    "Sitompul",
];
const STREETS: [&str; 12] = [
    "Jl. Melati",
    "Jl. Kenanga",
    "Jl. Diponegoro",
    "Jl. Sudirman",
    "Jl. Gatot Subroto",
    "Jl. Ahmad Yani",
    "Jl. Merdeka",
    "Jl. Pahlawan",
    "Gg. Mawar",
    "Jl. Cendana",
    "Jl. Imam Bonjol",
    "Jl. Veteran",
];
const PLACES: [&str; 12] = [
    "Sleman",
    "Bantul",
    "Depok",
    "Bekasi",
    "Bogor",
    "Sidoarjo",
    "Gresik",
    "Deli Serdang",
    "Kota Makassar",
    "Kota Semarang",
    "Kota Denpasar",
    "Kota Padang",
];
/// Mobile prefixes of the Indonesian operators.
const PREFIXES: [&str; 8] = [
    "0811", "0812", "0813", "0821", "0852", "0857", "0878", "0896",
];

/// One made-up patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// As people type it: `0812-3456-7890`.
    pub phone: String,
    pub address: String,
    pub priority: Priority,
}

/// Draws patients; the same seed gives the same people.
pub struct People {
    rng: StdRng,
}

impl People {
    pub fn new(seed: u64) -> People {
        People {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    pub fn next_person(&mut self) -> Person {
        let rng = &mut self.rng;
        let given = GIVEN[rng.random_range(0..GIVEN.len())];
        let family = FAMILY[rng.random_range(0..FAMILY.len())];
        let phone = format!(
            "{}-{:04}-{:04}",
            PREFIXES[rng.random_range(0..PREFIXES.len())],
            rng.random_range(0..10_000),
            rng.random_range(0..10_000)
        );
        let address = format!(
            "{} No. {}, RT {:02}/RW {:02}, {}",
            STREETS[rng.random_range(0..STREETS.len())],
            rng.random_range(1..200),
            rng.random_range(1..15),
            rng.random_range(1..10),
            PLACES[rng.random_range(0..PLACES.len())]
        );
        // Roughly one patient in eight is elderly, pregnant, disabled or an emergency.
        let priority = match rng.random_range(0..100) {
            0..=6 => Priority::Elderly,
            7..=9 => Priority::Pregnant,
            10 => Priority::Disabled,
            11 => Priority::Emergency,
            _ => Priority::Regular,
        };
        Person {
            name: format!("{given} {family}"),
            phone,
            address,
            priority,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use giliran_core::patient::{normalize_name, normalize_phone};

    #[test]
    fn people_are_reproducible_and_pass_the_servers_checks() {
        let first: Vec<Person> = {
            let mut people = People::new(7);
            (0..200).map(|_| people.next_person()).collect()
        };
        let again: Vec<Person> = {
            let mut people = People::new(7);
            (0..200).map(|_| people.next_person()).collect()
        };
        assert_eq!(first, again);
        for person in &first {
            assert_eq!(
                normalize_name(&person.name).as_deref(),
                Ok(person.name.as_str())
            );
            let phone = normalize_phone(&person.phone).unwrap_or_else(|e| panic!("{e:?}"));
            assert!(phone.starts_with("+628") && phone.len() == 14, "{phone}");
            assert!(person.address.contains("No. "), "{}", person.address);
        }
        let priority = first
            .iter()
            .filter(|p| p.priority != Priority::Regular)
            .count();
        assert!(
            (5..=50).contains(&priority),
            "{priority} of 200 with priority"
        );
    }
}
