//! ALSA playback, through the real alsa-lib: its `file` plugin stands in for the sound card (this
//! machine has none) and keeps what the card would have played.

use std::time::Duration;

use giliran_display::announcer::Speaker;
use giliran_display::audio::Clip;
use giliran_display::chime::chime;
use giliran_display::sound_card::SoundCard;

#[test]
fn an_announcement_reaches_the_card_whole_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("card.wav");
    let mut speaker = SoundCard::new(format!("file:FILE={},FORMAT=wav", card.display()));
    let sound = chime(22_050).with_volume(0.5);
    speaker.play(&sound).expect("ALSA plays");

    let played = Clip::read_wav(std::fs::File::open(&card).unwrap()).unwrap();
    assert_eq!(played.rate, 22_050);
    // ALSA pads the last period with silence.
    assert!(played.samples.len() >= sound.samples.len());
    assert_eq!(&played.samples[..sound.samples.len()], &sound.samples[..]);
    assert_eq!(
        played.level(sound.duration(), played.duration()),
        0.0,
        "only silence after the sound"
    );
    assert!(played.level(Duration::ZERO, Duration::from_millis(300)) > 0.05);
}

#[test]
fn a_missing_card_is_named_in_the_error() {
    let mut speaker = SoundCard::new("hw:CARD=NoSuchCard");
    let error = speaker.play(&chime(22_050)).unwrap_err().to_string();
    assert!(
        error.starts_with("cannot play on the sound card hw:CARD=NoSuchCard:"),
        "{error}"
    );
}
