//! Slint without a screen: the software renderer drawing into memory. The tests and the
//! self-test draw pictures with it, and `--headless` runs the whole display with it (on a
//! server with no TV, in the end-to-end tests, and to measure the display's own cost: the
//! Raspberry Pi's KMS backend runs the same renderer into the kernel's buffer).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{EventLoopProxy, Platform, PlatformError, WindowAdapter};
use slint::{EventLoopError, PhysicalSize, Rgb8Pixel, SharedPixelBuffer};

/// How often a running animation is advanced: a TV's refresh rate.
const FRAME: Duration = Duration::from_millis(16);

/// A frame the renderer drew.
pub struct Picture(SharedPixelBuffer<Rgb8Pixel>);

impl Picture {
    pub fn width(&self) -> u32 {
        self.0.width()
    }

    pub fn height(&self) -> u32 {
        self.0.height()
    }

    /// How many pixels are exactly `colour`.
    pub fn count(&self, colour: (u8, u8, u8)) -> usize {
        let (r, g, b) = colour;
        self.0
            .as_slice()
            .iter()
            .filter(|p| p.r == r && p.g == g && p.b == b)
            .count()
    }

    /// Writes the picture as a PNG at `path`, replacing it whole: whoever reads it meanwhile
    /// sees the previous picture, never half of the next.
    pub fn write_png(&self, path: &Path) -> Result<(), PictureError> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir)?;
        let part = tempfile::NamedTempFile::new_in(dir)?;
        {
            let file = std::io::BufWriter::new(part.as_file());
            let mut encoder = png::Encoder::new(file, self.width(), self.height());
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(self.0.as_bytes())?;
            writer.finish()?;
        }
        part.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("cannot write the picture: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode the picture: {0}")]
    Png(#[from] png::EncodingError),
}

/// The one window of a headless display, and the frame it last drew.
pub struct Screen {
    window: Rc<MinimalSoftwareWindow>,
    frame: RefCell<SharedPixelBuffer<Rgb8Pixel>>,
    /// Where to save the next frame drawn, if anywhere.
    save_to: RefCell<Option<PathBuf>>,
}

impl Screen {
    fn new(width: u32, height: u32) -> Rc<Screen> {
        // A reused buffer lets the renderer redraw only what changed, as on the Pi.
        let window = MinimalSoftwareWindow::new(RepaintBufferType::ReusedBuffer);
        window.set_size(PhysicalSize::new(width, height));
        Rc::new(Screen {
            window,
            frame: RefCell::new(SharedPixelBuffer::new(width, height)),
            save_to: RefCell::new(None),
        })
    }

    /// Runs Slint's due timers and animations, then draws what changed since the last frame.
    pub fn draw(&self) {
        slint::platform::update_timers_and_animations();
        let drawn = self.window.draw_if_needed(|renderer| {
            let mut frame = self.frame.borrow_mut();
            let stride = frame.width() as usize;
            renderer.render(frame.make_mut_slice(), stride);
        });
        if drawn
            && let Some(path) = self.save_to.borrow_mut().take()
            && let Err(error) = self.picture().write_png(&path)
        {
            tracing::warn!(%error, path = %path.display(), "screenshot not saved");
        }
    }

    /// The last frame drawn.
    pub fn picture(&self) -> Picture {
        Picture(self.frame.borrow().clone())
    }

    /// Saves the next frame drawn as a PNG at `path`.
    pub fn save_next_frame(&self, path: PathBuf) {
        *self.save_to.borrow_mut() = Some(path);
        self.window.request_redraw();
    }

    /// How long the loop may sleep before Slint has something to do.
    fn idle_for(&self) -> Option<Duration> {
        if self.window.has_active_animations() {
            return Some(FRAME);
        }
        slint::platform::duration_until_next_timer_update()
    }
}

enum Wake {
    Run(Box<dyn FnOnce() + Send>),
    Quit,
}

struct Proxy(mpsc::Sender<Wake>);

impl EventLoopProxy for Proxy {
    fn quit_event_loop(&self) -> Result<(), EventLoopError> {
        self.0
            .send(Wake::Quit)
            .map_err(|_| EventLoopError::EventLoopTerminated)
    }

    fn invoke_from_event_loop(
        &self,
        event: Box<dyn FnOnce() + Send>,
    ) -> Result<(), EventLoopError> {
        self.0
            .send(Wake::Run(event))
            .map_err(|_| EventLoopError::EventLoopTerminated)
    }
}

struct Headless {
    screen: Rc<Screen>,
    /// Only the display's own loop takes events; pictures need none.
    wakes: Option<(mpsc::Sender<Wake>, mpsc::Receiver<Wake>)>,
}

impl Platform for Headless {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        Ok(self.screen.window.clone())
    }

    fn new_event_loop_proxy(&self) -> Option<Box<dyn EventLoopProxy>> {
        let (sender, _) = self.wakes.as_ref()?;
        Some(Box::new(Proxy(sender.clone())))
    }

    fn run_event_loop(&self) -> Result<(), PlatformError> {
        let Some((_, wakes)) = &self.wakes else {
            return Err(PlatformError::Other(
                "this headless screen only draws pictures".into(),
            ));
        };
        loop {
            self.screen.draw();
            let wake = match self.screen.idle_for() {
                Some(wait) => match wakes.recv_timeout(wait) {
                    Ok(wake) => Some(wake),
                    Err(mpsc::RecvTimeoutError::Timeout) => None,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
                },
                None => match wakes.recv() {
                    Ok(wake) => Some(wake),
                    Err(_) => return Ok(()),
                },
            };
            match wake {
                Some(Wake::Run(job)) => job(),
                Some(Wake::Quit) => return Ok(()),
                None => {}
            }
        }
    }
}

/// Makes this thread's Slint draw into memory at `width`×`height`, with an event loop (for
/// `--headless`; once per process).
pub fn install(width: u32, height: u32) -> Result<Rc<Screen>, PlatformError> {
    let screen = Screen::new(width, height);
    slint::platform::set_platform(Box::new(Headless {
        screen: screen.clone(),
        wakes: Some(mpsc::channel()),
    }))
    .map_err(|error| PlatformError::Other(error.to_string()))?;
    Ok(screen)
}

thread_local! {
    static PICTURES: RefCell<Option<Rc<Screen>>> = const { RefCell::new(None) };
}

/// This thread's screen for drawing pictures, resized to `width`×`height`; made on first use.
/// Without an event loop, so any number of threads may draw.
pub fn pictures(width: u32, height: u32) -> Result<Rc<Screen>, PlatformError> {
    PICTURES.with(|slot| {
        let mut slot = slot.borrow_mut();
        let screen = match &*slot {
            Some(screen) => screen.clone(),
            None => {
                let screen = Screen::new(width, height);
                slint::platform::set_platform(Box::new(Headless {
                    screen: screen.clone(),
                    wakes: None,
                }))
                .map_err(|error| PlatformError::Other(error.to_string()))?;
                slot.insert(screen).clone()
            }
        };
        if screen.frame.borrow().width() != width || screen.frame.borrow().height() != height {
            screen.window.set_size(PhysicalSize::new(width, height));
            *screen.frame.borrow_mut() = SharedPixelBuffer::new(width, height);
        }
        screen.window.request_redraw();
        Ok(screen)
    })
}
