//! Charts of the province overview, laid out here in SVG units so that the
//! templates only print coordinates: the pages need no script and no
//! outside file, and every chart carries its figures as text.

use serde::Serialize;

use crate::summary::DeadlineStatus;

/// Width of every chart's view box, in SVG units.
const WIDTH: u32 = 640;
/// Right edge of the labels of a bar chart.
const LABEL_END: u32 = 200;
/// Left edge of the bars, a little right of the labels.
const BAR_START: u32 = 210;
/// Length of the longest bar, which leaves room for its value on the right.
const BAR_MAX: u32 = 370;
/// Height of one row of a bar chart and of the bar inside it.
const ROW: u32 = 32;
const BAR_HEIGHT: u32 = 22;
/// Height of the stacked bar of deadline statuses.
const STACK_HEIGHT: u32 = 40;
/// Baseline offset of a label from the top of its bar, for 14-unit text.
const TEXT_OFFSET: u32 = 16;

/// A horizontal bar chart: one labelled bar per item, scaled to the largest.
#[derive(Debug, Serialize)]
pub(super) struct BarChart {
    pub width: u32,
    pub height: u32,
    pub label_end: u32,
    pub bar_start: u32,
    pub bar_height: u32,
    pub bars: Vec<Bar>,
    /// The figures as one sentence, the chart's text alternative.
    pub description: String,
}

/// One bar of a [`BarChart`].
#[derive(Debug, Serialize)]
pub(super) struct Bar {
    pub label: String,
    pub count: u32,
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
    pub value_x: u32,
}

/// One stacked bar of deadline statuses: a segment per status that has at
/// least one university, as wide as its share.
#[derive(Debug, Serialize)]
pub(super) struct StatusChart {
    pub width: u32,
    pub height: u32,
    pub text_y: u32,
    pub segments: Vec<Segment>,
    /// The counts as one sentence, the chart's text alternative.
    pub description: String,
}

/// One status of a [`StatusChart`].
#[derive(Debug, Serialize)]
pub(super) struct Segment {
    pub status: DeadlineStatus,
    /// 已按时, 进行中 or 逾期.
    pub label: &'static str,
    pub count: u32,
    pub x: u32,
    pub width: u32,
    /// Centre of the segment, where its label is drawn.
    pub text_x: u32,
}

/// Lays out a bar chart of `items` (label and count) in their order.
/// `unit` follows each count in the description, such as `户`.
pub(super) fn bar_chart(items: Vec<(String, u32)>, unit: &str) -> BarChart {
    let max = items.iter().map(|(_, count)| *count).max().unwrap_or(0);
    let bars: Vec<Bar> = items
        .into_iter()
        .enumerate()
        .map(|(index, (label, count))| {
            let y = ROW * index as u32 + (ROW - BAR_HEIGHT) / 2;
            let width = bar_width(count, max);
            Bar {
                label,
                count,
                y,
                text_y: y + TEXT_OFFSET,
                width,
                value_x: BAR_START + width + 6,
            }
        })
        .collect();

    let description: Vec<String> = bars
        .iter()
        .map(|bar| format!("{} {} {unit}", bar.label, bar.count))
        .collect();
    BarChart {
        width: WIDTH,
        height: ROW * bars.len() as u32,
        label_end: LABEL_END,
        bar_start: BAR_START,
        bar_height: BAR_HEIGHT,
        bars,
        description: description.join("；"),
    }
}

/// Lays out the stacked bar of how many universities met, have pending or
/// missed their deadline. `counts` contains one entry per status in that order.
pub(super) fn status_chart(counts: [(DeadlineStatus, &'static str, u32); 3]) -> StatusChart {
    let total: u32 = counts.iter().map(|(_, _, count)| count).sum();
    let mut segments = Vec::new();
    let mut x = 0;
    for (status, label, count) in counts {
        if count == 0 {
            continue;
        }
        let width =
            u32::try_from(u64::from(count) * u64::from(WIDTH) / u64::from(total)).unwrap_or(WIDTH);
        segments.push(Segment {
            status,
            label,
            count,
            x,
            width,
            text_x: x + width / 2,
        });
        x += width;
    }
    // Integer division leaves the last segment a few units short of the edge.
    if let Some(last) = segments.last_mut() {
        last.width = WIDTH - last.x;
        last.text_x = last.x + last.width / 2;
    }

    let description: Vec<String> = counts
        .iter()
        .map(|(_, label, count)| format!("{label} {count} 所"))
        .collect();
    StatusChart {
        width: WIDTH,
        height: STACK_HEIGHT,
        text_y: STACK_HEIGHT / 2 + 5,
        segments,
        description: description.join("；"),
    }
}

/// Scales `count` to the longest bar. A non-zero count gets at least 2 units
/// so that it stays visible next to a much larger one.
fn bar_width(count: u32, max: u32) -> u32 {
    if count == 0 || max == 0 {
        return 0;
    }
    let scaled = u64::from(count) * u64::from(BAR_MAX) / u64::from(max);
    u32::try_from(scaled).unwrap_or(BAR_MAX).max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_largest() {
        let chart = bar_chart(
            vec![
                ("甲".to_owned(), 2),
                ("乙".to_owned(), 4),
                ("丙".to_owned(), 0),
            ],
            "户",
        );
        let widths: Vec<u32> = chart.bars.iter().map(|bar| bar.width).collect();
        assert_eq!(widths, [185, 370, 0]);
        assert_eq!(chart.height, 96);
        assert_eq!(chart.description, "甲 2 户；乙 4 户；丙 0 户");
    }

    #[test]
    fn tiny_bar_stays_visible() {
        assert_eq!(bar_width(1, 1000), 2);
    }

    #[test]
    fn empty_chart_has_no_bars() {
        let chart = bar_chart(Vec::new(), "户");
        assert!(chart.bars.is_empty());
        assert_eq!(chart.height, 0);
    }

    #[test]
    fn status_segments_fill_width() {
        let chart = status_chart([
            (DeadlineStatus::Met, "已按时", 5),
            (DeadlineStatus::Pending, "进行中", 0),
            (DeadlineStatus::Missed, "逾期", 2),
        ]);
        assert_eq!(chart.segments.len(), 2);
        assert_eq!(chart.segments[0].x, 0);
        assert_eq!(chart.segments[0].width, 457);
        assert_eq!(chart.segments[1].x, 457);
        assert_eq!(chart.segments[1].x + chart.segments[1].width, WIDTH);
        assert_eq!(chart.description, "已按时 5 所；进行中 0 所；逾期 2 所");
    }

    #[test]
    fn status_chart_without_universities_is_empty() {
        let chart = status_chart([
            (DeadlineStatus::Met, "已按时", 0),
            (DeadlineStatus::Pending, "进行中", 0),
            (DeadlineStatus::Missed, "逾期", 0),
        ]);
        assert!(chart.segments.is_empty());
    }
}
