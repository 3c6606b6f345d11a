//! A progress bar on stderr for long builds. It appears only when stderr is
//! a terminal and the command has run for [`DELAY`], so short builds, pipes
//! and log files never see it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::lang::Lang;

/// How long a command runs before its progress bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// Environment variable that sets the delay in milliseconds instead of
/// [`DELAY`], so that tests can see the bar of a short build.
const DELAY_VARIABLE: &str = "SHOULASHOU_PROGRESS_DELAY_MS";

/// The steps of a build that show their progress.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// Reading and checking the record files.
    Check,
    /// Rendering the pages and workbooks.
    Write,
}

impl Step {
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Step::Check, Lang::Zh) => "检查记录",
            (Step::Check, Lang::En) => "checking records",
            (Step::Write, Lang::Zh) => "生成网页和工作簿",
            (Step::Write, Lang::En) => "writing pages and workbooks",
        }
    }
}

/// The progress of one command. Cheap to update from many threads; does
/// nothing at all when disabled.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    delay: Duration,
    shown: AtomicBool,
    lang: Lang,
}

impl Progress {
    /// Returns a progress bar that shows when `enabled`, which the caller sets
    /// when stderr is a terminal and the command is not quiet.
    pub fn new(enabled: bool, lang: Lang) -> Progress {
        let delay = std::env::var(DELAY_VARIABLE)
            .ok()
            .and_then(|value| value.parse().ok())
            .map_or(DELAY, Duration::from_millis);
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            // The template is fixed; `tests/cli.rs` shows the bar it draws.
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            delay,
            shown: AtomicBool::new(false),
            lang,
        }
    }

    /// Returns a progress bar that never shows.
    pub fn disabled() -> Progress {
        Progress::new(false, Lang::En)
    }

    /// Starts `step`, which has `total` units of work.
    pub fn start(&self, step: Step, total: usize) {
        if let Some(bar) = &self.bar {
            bar.reset();
            bar.set_message(step.label(self.lang));
            bar.set_length(total as u64);
            bar.set_position(0);
            self.show_when_due(bar);
        }
    }

    /// Counts one unit of work done.
    pub fn advance(&self) {
        if let Some(bar) = &self.bar {
            self.show_when_due(bar);
            bar.inc(1);
        }
    }

    /// Removes the bar, so that the lines printed next start on a clean line.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn show_when_due(&self, bar: &ProgressBar) {
        if self.shown.load(Ordering::Relaxed) || self.started.elapsed() < self.delay {
            return;
        }
        if !self.shown.swap(true, Ordering::AcqRel) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}
