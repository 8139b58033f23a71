//! Reading a screenshot as a person would: tesseract's OCR over the picture, after turning every
//! light stroke dark and everything else white (tesseract reads dark ink on paper best, and the
//! display draws light text on dark and coloured panels).

use std::path::Path;
use std::process::Command;

/// The words tesseract reads in the PNG at `path`, on one line.
pub fn read(path: &Path) -> String {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("PNG size")];
    let frame = reader.next_frame(&mut pixels).expect("PNG pixels");
    let channels = frame.color_type.samples();
    let ink: Vec<u8> = pixels[..frame.buffer_size()]
        .chunks(channels)
        .map(|p| {
            let luma = 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
            if luma > 150.0 { 0 } else { 255 }
        })
        .collect();
    let paper = tempfile::Builder::new()
        .suffix(".png")
        .tempfile()
        .expect("temp file");
    {
        let mut encoder = png::Encoder::new(
            std::io::BufWriter::new(paper.reopen().expect("temp file")),
            frame.width,
            frame.height,
        );
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("PNG header");
        writer.write_image_data(&ink).expect("PNG written");
    }
    let output = Command::new("tesseract")
        .arg(paper.path())
        .arg("stdout")
        .args(["--psm", "11"])
        .output()
        .expect("tesseract runs (scripts/test installs tesseract-ocr)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
