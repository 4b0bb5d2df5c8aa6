//! Times in the reader's locale and time zone through the browser's `Intl`.

use protocol_api::Timestamp;
use std::cell::RefCell;

fn date(ts: Timestamp) -> js_sys::Date {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts as f64 * 1000.0))
}

/// A bound `Intl.DateTimeFormat(undefined, options).format` of the reader's locale.
fn formatter(options: &[(&str, &str)]) -> js_sys::Function {
    let opts = js_sys::Object::new();
    for (k, v) in options {
        let _ = js_sys::Reflect::set(&opts, &(*k).into(), &(*v).into());
    }
    js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &opts).format()
}

thread_local! {
    static CLOCK: js_sys::Function = formatter(&[("timeStyle", "short")]);
    static DAY: js_sys::Function = formatter(&[("dateStyle", "full")]);
}

/// Creates the formatters now rather than during the first render: each costs a few
/// milliseconds in Chromium (the locale's data loads), time best spent while the first
/// page is still on the network.
pub fn prepare() {
    CLOCK.with(|_| ());
    DAY.with(|_| ());
}

fn run(f: &js_sys::Function, ts: Timestamp) -> String {
    f.call1(&wasm_bindgen::JsValue::UNDEFINED, &date(ts))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The clock time of a message, e.g. "14:05" or "2:05 PM".
pub fn clock(ts: Timestamp) -> String {
    CLOCK.with(|f| run(f, ts))
}

/// The full date and time, for a tooltip, e.g. "Monday, 3 March 2025, 14:05" (the two
/// formatters above, joined).
pub fn full(ts: Timestamp) -> String {
    format!("{}, {}", day(ts), clock(ts))
}

/// A day heading, e.g. "Monday, 3 March 2025".
pub fn day(ts: Timestamp) -> String {
    DAY.with(|f| run(f, ts))
}

/// The ISO 8601 form for `<time datetime>`.
pub fn iso(ts: Timestamp) -> String {
    date(ts).to_iso_string().as_string().unwrap_or_default()
}

/// Seconds in a quarter of an hour: the offset of every time zone in use today, and
/// every change of it, falls on a whole quarter hour of UTC.
const QUARTER_HOUR: Timestamp = 900;

thread_local! {
    /// The zone's offset per quarter hour asked for so far, by quarter: the feed lays
    /// thousands of rows out again when a page comes, and a `Date` for each would cost
    /// milliseconds.
    static OFFSETS: RefCell<Vec<(Timestamp, i64)>> = RefCell::default();
}

/// The local time zone's offset east of UTC at `ts`, in minutes.
pub fn offset_east_minutes(ts: Timestamp) -> i64 {
    let quarter = ts.div_euclid(QUARTER_HOUR);
    OFFSETS.with_borrow_mut(
        |known| match known.binary_search_by_key(&quarter, |(q, _)| *q) {
            Ok(i) => known[i].1,
            Err(i) => {
                let offset = -(date(quarter * QUARTER_HOUR).get_timezone_offset() as i64);
                known.insert(i, (quarter, offset));
                offset
            }
        },
    )
}

/// Now, in Unix seconds.
pub fn now() -> Timestamp {
    (js_sys::Date::now() / 1000.0) as Timestamp
}
