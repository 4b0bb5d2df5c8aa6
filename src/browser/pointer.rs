//! What the reader points with.

/// True on a touch screen (a coarse primary pointer): Enter in the composer makes a new
/// line, and a tapped message shows its actions in the flow under it.
pub fn coarse() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
        .is_some_and(|m| m.matches())
}
