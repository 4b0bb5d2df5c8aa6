//! The demo seed (`--seed demo`): the docs' people, ids and tokens (API.md "Demo data"),
//! generated deterministically; and bulk messages for the benchmark.

pub mod assets;

use rusqlite::params;

use crate::db::{Db, Tx};
use crate::error::ApiError;
use crate::ids::now;
use crate::state::AppState;
use crate::store::conversations;

/// Kevin's contact id (the docs' sender).
pub const KEVIN: &str = "WAz8eIbvDR60rouK";
/// Frank's contact id.
pub const FRANK: &str = "FRnk8eIbvDR60rou";
/// Kate's contact id.
pub const KATE: &str = "KaTe8eIbvDR60rou";
/// Linnie's contact id.
pub const LINNIE: &str = "LiNn8eIbvDR60rou";
/// The docs' conversation, Kevin and Frank.
pub const MAIN_CONVERSATION: &str = "xgQQXg3hrtjh7AvZ";
/// The docs' message in it.
pub const DOCS_MESSAGE: &str = "SIuAFUNKdSYHZF2w";
/// The docs' message text (with its curly apostrophe).
pub const DOCS_TEXT: &str = "It\u{2019}s a nice night for a neck injury.";
/// The family group.
pub const FAMILY_GROUP: &str = "GrPmCcAlLiStEr01";
/// The family group's conversation.
pub const FAMILY_CONVERSATION: &str = "McCaLLiSterFam01";
/// Kevin and Kate.
pub const KEVIN_KATE: &str = "KeVkAtEcOnVeRs01";
/// Kevin and Linnie.
pub const KEVIN_LINNIE: &str = "KeVlInNiEcOnV001";
/// Frank and Kate.
pub const FRANK_KATE: &str = "FrNkAtEcOnVeRs01";
/// The seeded PNG attachment.
pub const PNG_ATTACHMENT: &str = "PnGaTtAcHmEnT001";
/// The seeded PDF attachment.
pub const PDF_ATTACHMENT: &str = "PdFaTtAcHmEnT001";
/// Messages in the main conversation.
pub const MAIN_MESSAGES: usize = 520;
/// Messages in the family group.
pub const FAMILY_MESSAGES: usize = 20;

/// (id, username, display name, phone, token) of the demo contacts.
const CONTACTS: [(&str, &str, &str, &str, &str); 4] = [
    (
        KEVIN,
        "KevinMcCallister",
        "Kevin McCallister",
        "1-800-759-3000",
        "demo-kevin",
    ),
    (
        FRANK,
        "FrankMcCallister",
        "Frank McCallister",
        "1-800-759-3001",
        "demo-frank",
    ),
    (
        KATE,
        "KateMcCallister",
        "Kate McCallister",
        "1-800-759-3002",
        "demo-kate",
    ),
    (
        LINNIE,
        "LinnieMcCallister",
        "Linnie McCallister",
        "1-800-759-3003",
        "demo-linnie",
    ),
];

const PHRASES: &[&str] = &[
    "Did you leave the porch light on?",
    "I made myself a TV dinner. Macaroni and cheese.",
    "Buzz, your girlfriend. Woof!",
    "Keep the change, ya filthy animal.",
    "Have you seen my toothbrush? The one that's approved by the American Dental Association.",
    "The Wet Bandits are back in town, I think.",
    "I'm eating junk and watching rubbish!",
    "Check this out: https://protocol.chat/docs",
    "Did you get the tickets for Paris?",
    "Snow all week, apparently.",
    "Who ordered the cheese pizza?",
    "Read this, it explains everything: https://en.wikipedia.org/wiki/Home_Alone",
    "I'm not afraid anymore.",
    "Mom's going to call later, pick up this time.",
    "Ok.",
    "lol",
    "Yes!",
    "No way.",
    "The tarantula got out again \u{1f577}",
    "Merry Christmas! \u{1f384}",
    "I set up the paint cans on the stairs. Don't use the back door.",
    "Old Man Marley shovels the sidewalk every night. Weird, right?",
    "We need milk, eggs, orange juice, fabric softener, TV dinner, and toy soldiers.",
    "Headed out now, back in twenty minutes.",
    "Plan's in the shared folder: https://example.com/plan?step=1&who=kevin",
    "Can you believe the flight was delayed again?",
    "Fuller, go easy on the Pepsi.",
    "This is it. Don't get scared now.",
];

/// A small deterministic generator, so the seed is the same every time.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn id(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..protocol_api::ID_LEN)
            .map(|_| char::from(ALPHABET[self.below(ALPHABET.len())]))
            .collect()
    }

    fn text(&mut self) -> String {
        match self.below(12) {
            0 => {
                let lines = 3 + self.below(5);
                (0..lines)
                    .map(|_| PHRASES[self.below(PHRASES.len())])
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            1 | 2 => {
                let parts = 2 + self.below(3);
                (0..parts)
                    .map(|_| PHRASES[self.below(PHRASES.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            _ => PHRASES[self.below(PHRASES.len())].to_owned(),
        }
    }
}

/// One seeded message.
struct Seeded<'a> {
    id: String,
    conversation: &'a str,
    sender: &'a str,
    text: String,
    created_at: i64,
    read_at: Option<i64>,
}

fn insert_message(tx: &Tx, message: &Seeded) -> Result<i64, ApiError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO messages (id, conversation_id, contact_id, message, read_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    stmt.execute(params![
        message.id,
        message.conversation,
        message.sender,
        message.text,
        message.read_at,
        message.created_at
    ])?;
    Ok(tx.last_insert_rowid())
}

fn react(tx: &Tx, seq: i64, name: &str, contact: &str) -> Result<(), ApiError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO reactions (message_seq, name, contact_id) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![seq, name, contact])?;
    Ok(())
}

fn attach(
    tx: &Tx,
    (id, filename, file_type, size): (&str, &str, &str, usize),
    message: &Seeded,
) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO attachments (id, contact_id, conversation_id, message_id, filename, \
         file_type, file_size, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            message.sender,
            message.conversation,
            message.id,
            filename,
            file_type,
            size as i64,
            message.created_at
        ],
    )?;
    Ok(())
}

/// (id, file name, type, bytes) of the seeded attachments.
fn files() -> [(&'static str, &'static str, &'static str, Vec<u8>); 2] {
    [
        (
            PNG_ATTACHMENT,
            "night-sky.png",
            "image/png",
            assets::png(320, 200),
        ),
        (
            PDF_ATTACHMENT,
            "battle-plan.pdf",
            "application/pdf",
            assets::pdf("Battle plan: 9:00 pm sharp"),
        ),
    ]
}

fn seed_main_conversation(tx: &Tx, end: i64, sizes: [usize; 2]) -> Result<(), ApiError> {
    let mut rng = Sequence(0x5eed_cafe_f00d_0001);
    let span = 6 * 24 * 60 * 60;
    let start = end - span;
    let docs_index = MAIN_MESSAGES - 10;
    for i in 0..MAIN_MESSAGES {
        let created_at = start + (i as i64 * span) / MAIN_MESSAGES as i64;
        let sender = if rng.below(2) == 0 { KEVIN } else { FRANK };
        let mut message = Seeded {
            id: rng.id(),
            conversation: MAIN_CONVERSATION,
            sender,
            text: rng.text(),
            created_at,
            read_at: (i + 4 < MAIN_MESSAGES).then_some(created_at + 60),
        };
        if i == docs_index {
            message.id = DOCS_MESSAGE.to_owned();
            message.sender = KEVIN;
            message.text = DOCS_TEXT.to_owned();
        } else if i == docs_index - 6 {
            message.sender = FRANK;
            message.text = "Here\u{2019}s what the sky looked like tonight.".to_owned();
        } else if i == docs_index - 30 {
            message.sender = KEVIN;
            message.text = "The battle plan, printed.".to_owned();
        }
        let seq = insert_message(tx, &message)?;
        let other = if message.sender == KEVIN {
            FRANK
        } else {
            KEVIN
        };
        if i % 7 == 3 {
            react(tx, seq, "thumbs_up", other)?;
        }
        if i % 11 == 5 {
            react(tx, seq, "heart", KEVIN)?;
            react(tx, seq, "heart", FRANK)?;
        }
        if i % 13 == 8 {
            react(tx, seq, "joy", other)?;
        }
        if i == docs_index {
            react(tx, seq, "red_angry_face", FRANK)?;
        }
        if i == docs_index - 6 {
            attach(
                tx,
                (PNG_ATTACHMENT, "night-sky.png", "image/png", sizes[0]),
                &message,
            )?;
        }
        if i == docs_index - 30 {
            let pdf = (
                PDF_ATTACHMENT,
                "battle-plan.pdf",
                "application/pdf",
                sizes[1],
            );
            attach(tx, pdf, &message)?;
        }
    }
    tx.execute(
        "UPDATE conversations SET last_active_at = ?1 WHERE id = ?2",
        params![end, MAIN_CONVERSATION],
    )?;
    Ok(())
}

fn seed_short(
    tx: &Tx,
    rng: &mut Sequence,
    conversation: &str,
    members: &[&'static str],
    count: usize,
    end: i64,
) -> Result<(), ApiError> {
    let span = 2 * 24 * 60 * 60;
    for i in 0..count {
        let created_at = end - span + (i as i64 * span) / count as i64;
        let message = Seeded {
            id: rng.id(),
            conversation,
            sender: members[rng.below(members.len())],
            text: rng.text(),
            created_at,
            read_at: Some(created_at + 120),
        };
        let seq = insert_message(tx, &message)?;
        if i % 5 == 2 {
            react(tx, seq, "joy", members[(i + 1) % members.len()])?;
        }
    }
    tx.execute(
        "UPDATE conversations SET last_active_at = ?1 WHERE id = ?2",
        params![end, conversation],
    )?;
    Ok(())
}

/// Loads the demo data into an empty database (does nothing when contacts exist) and
/// writes the seeded attachment files when missing. True when it seeded.
pub fn demo(state: &AppState) -> Result<bool, ApiError> {
    let files = files();
    for (id, _, _, bytes) in &files {
        let path = state.files.path(id);
        if !path.exists() {
            std::fs::write(path, bytes)?;
        }
    }
    let sizes = [files[0].3.len(), files[1].3.len()];
    state.db.write_blocking(|tx| {
        let existing: i64 = tx.query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get(0))?;
        if existing > 0 {
            // Seeded before: give the demo contacts their tokens back if a run without
            // --seed demo removed them.
            for (id, _, _, _, token) in CONTACTS {
                tx.execute(
                    "INSERT OR IGNORE INTO tokens (token, contact_id) \
                     SELECT ?1, id FROM contacts WHERE id = ?2",
                    params![token, id],
                )?;
            }
            return Ok(false);
        }
        let end = now() - 5 * 60;
        let created = end - 30 * 24 * 60 * 60;
        for (id, username, display_name, phone, token) in CONTACTS {
            tx.execute(
                "INSERT INTO contacts (id, username, display_name, phone_number, \
                 last_active_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, username, display_name, phone, end, created],
            )?;
            tx.execute(
                "INSERT INTO tokens (token, contact_id) VALUES (?1, ?2)",
                params![token, id],
            )?;
        }
        let day = 24 * 60 * 60;
        conversations::create(tx, MAIN_CONVERSATION, None, &[KEVIN, FRANK], created)?;
        conversations::create(tx, KEVIN_KATE, None, &[KEVIN, KATE], created + day)?;
        conversations::create(tx, KEVIN_LINNIE, None, &[KEVIN, LINNIE], created + 2 * day)?;
        conversations::create(tx, FRANK_KATE, None, &[FRANK, KATE], created + 3 * day)?;
        let family = [KEVIN, FRANK, KATE, LINNIE];
        conversations::create(
            tx,
            FAMILY_CONVERSATION,
            Some(FAMILY_GROUP),
            &family,
            created + 4 * day,
        )?;
        tx.execute(
            "INSERT INTO groups (id, name, description, conversation_id, created_at) \
             VALUES (?1, 'McCallister Family', 'Paris trip planning', ?2, ?3)",
            params![FAMILY_GROUP, FAMILY_CONVERSATION, created + 4 * day],
        )?;
        seed_main_conversation(tx, end, sizes)?;
        let mut rng = Sequence(0x5eed_cafe_f00d_0002);
        seed_short(
            tx,
            &mut rng,
            FAMILY_CONVERSATION,
            &family,
            FAMILY_MESSAGES,
            end - 600,
        )?;
        seed_short(tx, &mut rng, KEVIN_KATE, &[KEVIN, KATE], 6, end - 3600)?;
        seed_short(tx, &mut rng, KEVIN_LINNIE, &[KEVIN, LINNIE], 4, end - 7200)?;
        seed_short(tx, &mut rng, FRANK_KATE, &[FRANK, KATE], 5, end - 9000)?;
        Ok(true)
    })
}

/// Removes the demo tokens (a run without `--seed demo`); how many there were.
pub fn remove_demo_tokens(db: &Db) -> Result<usize, ApiError> {
    db.write_blocking(|tx| {
        let mut removed = 0;
        for (_, _, _, _, token) in CONTACTS {
            removed += tx.execute("DELETE FROM tokens WHERE token = ?1", [token])?;
        }
        Ok(removed)
    })
}

/// Creates two contacts (tokens `bench-a`, `bench-b`) and a conversation `conversation`
/// holding `count` messages, in one transaction with one prepared statement.
pub fn bulk(state: &AppState, conversation: &str, count: usize) -> Result<(), ApiError> {
    let conversation = conversation.to_owned();
    state.db.write_blocking(move |tx| {
        let at = now() - count as i64;
        for (id, name, token) in [
            ("BenchAaaaaaaaaaa", "BenchA", "bench-a"),
            ("BenchBbbbbbbbbbb", "BenchB", "bench-b"),
        ] {
            tx.execute(
                "INSERT INTO contacts (id, username, created_at) VALUES (?1, ?2, ?3)",
                params![id, name, at],
            )?;
            tx.execute(
                "INSERT INTO tokens (token, contact_id) VALUES (?1, ?2)",
                params![token, id],
            )?;
        }
        conversations::create(
            tx,
            &conversation,
            None,
            &["BenchAaaaaaaaaaa", "BenchBbbbbbbbbbb"],
            at,
        )?;
        let mut rng = Sequence(0xbe9c_0000_0000_0001);
        let mut stmt = tx.prepare(
            "INSERT INTO messages (id, conversation_id, contact_id, message, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for i in 0..count {
            let sender = if i % 2 == 0 {
                "BenchAaaaaaaaaaa"
            } else {
                "BenchBbbbbbbbbbb"
            };
            let text = PHRASES[rng.below(PHRASES.len())];
            // Several messages share each second, so ties are broken by insertion order.
            stmt.execute(params![
                rng.id(),
                conversation,
                sender,
                text,
                at + (i / 4) as i64
            ])?;
        }
        Ok(())
    })?;
    state.db.checkpoint()
}
