//! The conversation list's loads (standalone app): the first page with its titles, tried
//! again with the feed's backoff until it works, then the next pages as the list scrolls.

use crate::browser::api::{ApiError, Client};
use crate::core::conversations::{ConversationItem, ConversationPages};
use crate::core::outbox::backoff_ms;
use crate::views::conversation_view::UNTITLED;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol_api::{ContactDetails, Conversation};

/// The conversations of one signed-in client, and why the first page could not be loaded.
#[derive(Clone, Copy)]
pub struct ConversationDirectory {
    /// The conversations loaded so far.
    pub pages: RwSignal<ConversationPages>,
    /// Why the last attempt at the first page failed; `None` once it is loaded.
    pub error: RwSignal<Option<ApiError>>,
    client: StoredValue<Client>,
    /// The first page of the caller's contacts, for titles (loaded with the first page).
    contacts: StoredValue<Vec<ContactDetails>>,
    /// Bumped by every attempt loop of the first page; older loops stop.
    generation: StoredValue<u64>,
}

/// `Ok(None)` for a lookup that will not work by trying again (not found, not allowed):
/// the title falls back. A transient failure fails the whole attempt, to be retried.
fn optional<T>(answer: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match answer {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.is_transient() || err.is_auth() => Err(err),
        Err(_) => Ok(None),
    }
}

/// The name a contact goes by: the display name, else the username.
fn contact_name(contact: &ContactDetails) -> String {
    contact
        .display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| contact.username.clone())
}

impl ConversationDirectory {
    /// A directory of `client`'s conversations, nothing loaded yet.
    pub fn new(client: Client) -> Self {
        Self {
            pages: RwSignal::new(ConversationPages::default()),
            error: RwSignal::new(None),
            client: StoredValue::new(client),
            contacts: StoredValue::new(Vec::new()),
            generation: StoredValue::new(0),
        }
    }

    /// Loads the first page, trying again with backoff (as the feed does) until it works or
    /// the token is refused (then `auth_failed` is set). A new call, from "Retry" or the
    /// network coming back, tries at once and replaces the loop. `loaded` gets the
    /// conversations once they are there.
    pub fn load(&self, auth_failed: RwSignal<bool>, loaded: Callback<Vec<ConversationItem>>) {
        let Some(generation) = self.generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            for attempt in 0.. {
                if this.generation.try_get_value() != Some(generation) {
                    return;
                }
                let answer = this.first_page().await;
                if this.generation.try_get_value() != Some(generation) {
                    return;
                }
                match answer {
                    Ok((items, has_more)) => {
                        this.error.try_set(None);
                        this.pages
                            .try_update(|p| p.first_loaded(items.clone(), has_more));
                        loaded.run(items);
                        return;
                    }
                    Err(err) => {
                        let auth = err.is_auth();
                        this.error.try_set(Some(err));
                        if auth {
                            auth_failed.try_set(true);
                            return;
                        }
                    }
                }
                gloo_timers::future::TimeoutFuture::new(backoff_ms(attempt)).await;
            }
        });
    }

    /// Loads the title of the one conversation `id` as the directory's only item (the
    /// widget, which shows no list but names its conversation). A transient failure tries
    /// again with the feed's backoff until the widget goes; any other leaves the generic
    /// title (the feed says what is wrong).
    pub fn load_one(&self, id: String) {
        let this = *self;
        spawn_local(async move {
            for attempt in 0.. {
                let Some(client) = this.client.try_get_value() else {
                    return;
                };
                match this.title_of(&client, &id).await {
                    Ok(Some(title)) => {
                        let item = ConversationItem { id, title };
                        this.pages.try_update(|p| p.first_loaded(vec![item], false));
                        return;
                    }
                    Err(err) if err.is_transient() => {}
                    Ok(None) | Err(_) => return,
                }
                gloo_timers::future::TimeoutFuture::new(backoff_ms(attempt)).await;
            }
        });
    }

    /// The title of the conversation `id`, looked up with the conversation itself.
    async fn title_of(&self, client: &Client, id: &str) -> Result<Option<String>, ApiError> {
        let conversation = client.conversation(id).await?;
        self.title(client, &conversation).await
    }

    /// Loads the next page, unless the first is not there yet, one is loading or none is
    /// left. A failure leaves the list as it is (the next scroll asks again).
    pub async fn load_next(&self) {
        let Some(cursor) = self.pages.try_update(|p| p.begin_next()).flatten() else {
            return;
        };
        let generation = self.generation.try_get_value();
        let answer = self.page(Some(&cursor)).await;
        if self.generation.try_get_value() != generation {
            return;
        }
        match answer {
            Ok((items, has_more)) => self.pages.try_update(|p| p.next_loaded(items, has_more)),
            Err(_) => self.pages.try_update(ConversationPages::next_failed),
        };
    }

    /// The caller's contacts (for titles), then the first page.
    async fn first_page(&self) -> Result<(Vec<ConversationItem>, bool), ApiError> {
        let client = self.client.get_value();
        let contacts = client.contacts().await?.data;
        self.contacts.try_set_value(contacts);
        self.page(None).await
    }

    /// A page of conversations with their titles, and whether more exist.
    async fn page(&self, after: Option<&str>) -> Result<(Vec<ConversationItem>, bool), ApiError> {
        let client = self.client.get_value();
        let page = client.conversations(after).await?;
        let mut items = Vec::with_capacity(page.data.len());
        for conversation in page.data {
            let title = self.title(&client, &conversation).await?;
            items.push(ConversationItem {
                id: conversation.id,
                title: title.unwrap_or_else(|| UNTITLED.to_owned()),
            });
        }
        Ok((items, page.has_more))
    }

    /// UI.md's title: the group's name, else the other contact's display name, else their
    /// username (looked up on its own when not among the first contacts).
    async fn title(
        &self,
        client: &Client,
        conversation: &Conversation,
    ) -> Result<Option<String>, ApiError> {
        if let Some(group) = &conversation.group_id {
            if let Some(group) = optional(client.group(group).await)? {
                return Ok(Some(group.name));
            }
        }
        let Some(contact_id) = &conversation.contact_id else {
            return Ok(None);
        };
        let known = self
            .contacts
            .try_with_value(|all| all.iter().find(|c| c.id == *contact_id).map(contact_name))
            .flatten();
        if known.is_some() {
            return Ok(known);
        }
        Ok(optional(client.contact(contact_id).await)?.map(|c| contact_name(&c)))
    }
}
