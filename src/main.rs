//! The standalone app: install the panic hook and mount into the page.
fn main() {
    protocol_chat::start();
}
