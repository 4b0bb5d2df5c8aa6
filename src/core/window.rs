//! List windowing: which rows of a long feed are in the DOM.
//!
//! Only the rows around the viewport are rendered; the rows above and below are stood in
//! for by two spacers as tall as those rows (measured once they have been on screen,
//! estimated before). The window is placed around an anchor, the row the reader is
//! looking at and its offset from the viewport's top, so that anything that changes the
//! rows (an older page, a deletion, a row growing) keeps that row exactly where it was.
//! Pure: the feed measures the DOM and applies the result.

use rustc_hash::FxHashMap;

/// Height (px) assumed for a row that has never been rendered, before any was measured.
pub const DEFAULT_ROW_HEIGHT: f64 = 64.0;

/// Row heights by key: measured where known, the running mean of the measured ones
/// otherwise.
#[derive(Clone, Debug, Default)]
pub struct Heights {
    known: FxHashMap<String, f64>,
    total: f64,
}

impl Heights {
    /// Records the rendered height of `key`.
    pub fn set(&mut self, key: &str, height: f64) {
        let height = height.max(0.0);
        match self.known.get_mut(key) {
            Some(h) => {
                self.total += height - *h;
                *h = height;
            }
            None => {
                self.total += height;
                self.known.insert(key.to_owned(), height);
            }
        }
    }

    /// The height of `key`: measured, or the estimate.
    pub fn get(&self, key: &str) -> f64 {
        self.known
            .get(key)
            .copied()
            .unwrap_or_else(|| self.estimate())
    }

    /// The height assumed for a row never rendered: the mean of the measured rows.
    pub fn estimate(&self) -> f64 {
        if self.known.is_empty() {
            DEFAULT_ROW_HEIGHT
        } else {
            self.total / self.known.len() as f64
        }
    }
}

/// The rows to render, `start..end`, and the heights of the spacers standing in for the
/// rows above (`above`) and below (`below`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Span {
    /// First rendered row.
    pub start: usize,
    /// One past the last rendered row.
    pub end: usize,
    /// Total height of the rows before `start`.
    pub above: f64,
    /// Total height of the rows from `end` on.
    pub below: f64,
}

impl Span {
    /// This span starting at row `start` at the latest: the rows from there on stay
    /// rendered, and the spacer above shrinks by their heights.
    pub fn reaching_up_to(self, keys: &[String], heights: &Heights, start: usize) -> Span {
        if start >= self.start {
            return self;
        }
        Span {
            start,
            above: keys[..start].iter().map(|k| heights.get(k)).sum(),
            ..self
        }
    }
}

/// Where the reader is: at the newest row, or at a row and its top's offset (px) from the
/// viewport's top (negative when it starts above the viewport).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Anchor {
    /// Following the newest row (scrolled to the bottom).
    #[default]
    Bottom,
    /// Holding this row at this offset.
    Row(String, f64),
}

/// The span that covers a viewport `viewport` px tall plus `overscan` px on each side,
/// placed by `anchor`, stretched to include the `pinned` row and its neighbours (the row
/// holding the focus, which must not be unmounted under the reader, and where the focus
/// moves next). An anchor row that no longer exists
/// falls back to the newest row.
pub fn span(
    keys: &[String],
    heights: &Heights,
    anchor: &Anchor,
    pinned: Option<&str>,
    viewport: f64,
    overscan: f64,
) -> Span {
    let (start, end) = rows_around(keys, heights, anchor, viewport, overscan);
    let pin = pinned.and_then(|p| keys.iter().position(|k| k == p));
    // The pinned row and its neighbours, so the focus can always move on by one.
    let (start, end) = match pin {
        Some(i) => (
            start.min(i.saturating_sub(1)),
            end.max(i + 2).min(keys.len()),
        ),
        None => (start, end),
    };
    let sum = |range: &[String]| range.iter().map(|k| heights.get(k)).sum::<f64>();
    Span {
        start,
        end,
        above: sum(&keys[..start]),
        below: sum(&keys[end..]),
    }
}

fn rows_around(
    keys: &[String],
    heights: &Heights,
    anchor: &Anchor,
    viewport: f64,
    overscan: f64,
) -> (usize, usize) {
    let n = keys.len();
    if n == 0 {
        return (0, 0);
    }
    let h = |i: usize| heights.get(&keys[i]);
    let (first, offset) = match anchor {
        Anchor::Bottom => {
            // The rows that fill the viewport from the bottom, then the overscan above.
            let mut start = n;
            let mut filled = 0.0;
            while start > 0 && filled < viewport + overscan {
                start -= 1;
                filled += h(start);
            }
            return (start, n);
        }
        Anchor::Row(key, offset) => (keys.iter().position(|k| k == key).unwrap_or(n - 1), *offset),
    };
    // Upwards from the anchor until `overscan` px above the viewport's top.
    let mut start = first;
    let mut top = offset;
    while start > 0 && top > -overscan {
        start -= 1;
        top -= h(start);
    }
    // Downwards from the anchor until `overscan` px below the viewport's bottom.
    let mut end = first;
    let mut bottom = offset;
    while end < n && bottom < viewport + overscan {
        bottom += h(end);
        end += 1;
    }
    (start, end.max(first + 1).min(n))
}

/// The row at `y` px below the top of the list (measured heights, estimates elsewhere)
/// and its top's offset from `y` (zero or negative): where the reader is after a jump past
/// the rendered rows (a scroll bar dragged, Home, End). The last row when `y` is past the
/// end; `None` for an empty list.
pub fn row_at(keys: &[String], heights: &Heights, y: f64) -> Option<Anchor> {
    let mut top = 0.0;
    for key in keys {
        let h = heights.get(key);
        if top + h > y {
            return Some(Anchor::Row(key.clone(), top - y));
        }
        top += h;
    }
    let last = keys.last()?;
    Some(Anchor::Row(last.clone(), top - heights.get(last) - y))
}

/// Whether the rendered rows no longer reach `margin` px past the viewport on a side
/// where more rows exist: positions in px from the viewport's top, `rendered_top` and
/// `rendered_bottom` being the first rendered row's top and the last one's bottom.
pub fn needs_move(
    rendered_top: f64,
    rendered_bottom: f64,
    viewport: f64,
    margin: f64,
    more_above: bool,
    more_below: bool,
) -> bool {
    (more_above && rendered_top > -margin) || (more_below && rendered_bottom < viewport + margin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("k{i}")).collect()
    }

    fn uniform(keys: &[String], h: f64) -> Heights {
        let mut heights = Heights::default();
        for k in keys {
            heights.set(k, h);
        }
        heights
    }

    #[test]
    fn estimate_is_the_default_then_the_mean_of_measured_rows() {
        let mut h = Heights::default();
        assert_eq!(h.get("x"), DEFAULT_ROW_HEIGHT);
        h.set("a", 40.0);
        h.set("b", 80.0);
        assert_eq!(h.get("x"), 60.0);
        assert_eq!(h.get("a"), 40.0);
        h.set("a", 100.0);
        assert_eq!(
            h.estimate(),
            90.0,
            "a re-measured row replaces its old height"
        );
    }

    #[test]
    fn empty_list_renders_nothing() {
        let s = span(
            &[],
            &Heights::default(),
            &Anchor::Bottom,
            None,
            600.0,
            300.0,
        );
        assert_eq!(s, Span::default());
    }

    #[test]
    fn bottom_renders_the_newest_rows_that_fill_viewport_and_overscan() {
        let ks = keys(10_000);
        let h = uniform(&ks, 50.0);
        let s = span(&ks, &h, &Anchor::Bottom, None, 600.0, 300.0);
        assert_eq!(s.end, 10_000);
        assert_eq!(s.start, 10_000 - 18, "900 px of 50 px rows");
        assert_eq!(s.above, (10_000.0 - 18.0) * 50.0);
        assert_eq!(s.below, 0.0);
    }

    #[test]
    fn short_list_renders_everything() {
        let ks = keys(5);
        let h = uniform(&ks, 50.0);
        let s = span(&ks, &h, &Anchor::Bottom, None, 600.0, 300.0);
        assert_eq!((s.start, s.end, s.above, s.below), (0, 5, 0.0, 0.0));
        let s = span(&ks, &h, &Anchor::Row("k2".into(), 10.0), None, 600.0, 300.0);
        assert_eq!((s.start, s.end, s.above, s.below), (0, 5, 0.0, 0.0));
    }

    #[test]
    fn row_anchor_covers_viewport_and_overscan_on_both_sides() {
        let ks = keys(1000);
        let h = uniform(&ks, 100.0);
        // k500 starts 20 px above the viewport's top.
        let s = span(
            &ks,
            &h,
            &Anchor::Row("k500".into(), -20.0),
            None,
            600.0,
            300.0,
        );
        // Up: -20 → -120 (499) → -220 (498) → -320 (497): stops past -300.
        assert_eq!(s.start, 497);
        // Down: -20 + 100·k ≥ 900 at k = 10: rows 500..510.
        assert_eq!(s.end, 510);
        assert_eq!(s.above, 497.0 * 100.0);
        assert_eq!(s.below, 490.0 * 100.0);
    }

    #[test]
    fn spacers_plus_rendered_rows_are_the_whole_height() {
        let ks = keys(300);
        let mut h = Heights::default();
        for (i, k) in ks.iter().enumerate().step_by(3) {
            h.set(k, 30.0 + i as f64);
        }
        let s = span(
            &ks,
            &h,
            &Anchor::Row("k150".into(), 0.0),
            None,
            500.0,
            200.0,
        );
        let rendered: f64 = ks[s.start..s.end].iter().map(|k| h.get(k)).sum();
        let total: f64 = ks.iter().map(|k| h.get(k)).sum();
        assert!((s.above + rendered + s.below - total).abs() < 1e-6);
    }

    #[test]
    fn a_prepended_page_keeps_the_window_on_the_anchor_row() {
        let mut ks = keys(100);
        let h = uniform(&ks, 50.0);
        let before = span(
            &ks,
            &h,
            &Anchor::Row("k0".into(), 100.0),
            None,
            600.0,
            300.0,
        );
        assert_eq!(before.start, 0);
        // 50 older rows arrive above (never measured: the estimate stands in).
        let mut older: Vec<String> = (0..50).map(|i| format!("old{i}")).collect();
        older.append(&mut ks);
        let after = span(
            &older,
            &h,
            &Anchor::Row("k0".into(), 100.0),
            None,
            600.0,
            300.0,
        );
        assert_eq!(
            older[after.start..after.end].first().map(String::as_str),
            Some("old42")
        );
        assert!(older[after.start..after.end].contains(&"k0".to_string()));
        assert_eq!(after.above, 42.0 * 50.0);
    }

    #[test]
    fn a_missing_anchor_falls_back_to_the_nearest_end_not_to_nothing() {
        let ks = keys(100);
        let h = uniform(&ks, 50.0);
        let s = span(
            &ks,
            &h,
            &Anchor::Row("deleted".into(), 0.0),
            None,
            600.0,
            300.0,
        );
        assert!(s.start < s.end);
        assert_eq!(s.end, 100);
    }

    #[test]
    fn the_window_stays_bounded_whatever_the_number_of_rows() {
        for n in [100, 2_000, 10_000, 100_000] {
            let ks = keys(n);
            let h = uniform(&ks, 40.0);
            for anchor in [Anchor::Bottom, Anchor::Row(format!("k{}", n / 2), 0.0)] {
                let s = span(&ks, &h, &anchor, None, 800.0, 800.0);
                assert!(
                    s.end - s.start <= 61,
                    "{n} rows: {} rendered",
                    s.end - s.start
                );
            }
        }
    }

    #[test]
    fn the_pinned_row_stays_rendered_however_far_the_reader_scrolls() {
        let ks = keys(1000);
        let h = uniform(&ks, 50.0);
        let s = span(&ks, &h, &Anchor::Bottom, Some("k100"), 600.0, 300.0);
        assert_eq!((s.start, s.end), (99, 1000), "k100 and the row above it");
        assert_eq!(s.above, 99.0 * 50.0);
        let s = span(
            &ks,
            &h,
            &Anchor::Row("k100".into(), 0.0),
            Some("k999"),
            600.0,
            300.0,
        );
        assert_eq!(s.end, 1000);
        assert_eq!(s.below, 0.0);
        let s = span(
            &ks,
            &h,
            &Anchor::Row("k500".into(), 0.0),
            Some("k0"),
            600.0,
            300.0,
        );
        assert_eq!(s.start, 0);
    }

    #[test]
    fn row_at_finds_the_row_under_a_position_from_the_model() {
        let ks = keys(100);
        let mut h = uniform(&ks, 50.0);
        h.set("k1", 100.0);
        assert_eq!(row_at(&ks, &h, 0.0), Some(Anchor::Row("k0".into(), 0.0)));
        assert_eq!(
            row_at(&ks, &h, 149.0),
            Some(Anchor::Row("k1".into(), -99.0))
        );
        assert_eq!(row_at(&ks, &h, 150.0), Some(Anchor::Row("k2".into(), 0.0)));
        assert_eq!(
            row_at(&ks, &h, 1e9),
            Some(Anchor::Row("k99".into(), 5000.0 - 1e9))
        );
        assert_eq!(row_at(&[], &h, 10.0), None);
    }

    #[test]
    fn moves_only_when_rendered_rows_stop_short_of_the_margin() {
        // Rendered from 400 px above to 1000 px below the top of a 600 px viewport.
        assert!(!needs_move(-400.0, 1000.0, 600.0, 200.0, true, true));
        // Scrolled up: the first rendered row is only 100 px above.
        assert!(needs_move(-100.0, 1300.0, 600.0, 200.0, true, true));
        // ... unless it is the first row there is.
        assert!(!needs_move(-100.0, 1300.0, 600.0, 200.0, false, true));
        // Scrolled down: the last rendered row ends 50 px below the viewport.
        assert!(needs_move(-900.0, 650.0, 600.0, 200.0, true, true));
        assert!(!needs_move(-900.0, 650.0, 600.0, 200.0, true, false));
    }

    #[test]
    fn a_span_reaching_up_keeps_the_rows_from_there_and_its_spacer_shrinks() {
        let keys = keys(30);
        let heights = uniform(&keys, 100.0);
        let span = span(&keys, &heights, &Anchor::Bottom, None, 450.0, 450.0);
        assert_eq!((span.start, span.end), (21, 30));
        let wider = span.clone().reaching_up_to(&keys, &heights, 20);
        assert_eq!((wider.start, wider.end), (20, 30));
        assert_eq!(wider.above, 2000.0);
        assert_eq!(wider.below, span.below);
        assert_eq!(
            span.clone().reaching_up_to(&keys, &heights, 25),
            span,
            "never narrower"
        );
    }
}
