//! The reaction picker: `role="dialog"` "Pick a reaction", buttons named by reaction name
//! (`data-act="react:name"`); Escape or picking closes it (handled by the bubble).

use crate::core::emoji::TABLE;
use crate::views::dom::B;
use web_sys::Document;

/// Builds the picker dialog.
pub fn build(doc: &Document) -> Option<B> {
    let mut dialog = B::new(doc, "div", "pc-picker")?
        .attr("role", "dialog")
        .attr("aria-label", "Pick a reaction")
        .attr("data-overlay", "picker");
    for (name, glyph) in TABLE {
        dialog = dialog.child(
            B::button(doc, "pc-picker__option", &format!("react:{name}"), glyph)
                .map(|b| b.attr("aria-label", name).attr("title", name)),
        );
    }
    Some(dialog)
}
