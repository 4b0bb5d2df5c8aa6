//! Keyset pagination shared by every list: items ordered newest first by
//! `(created_at, seq)`, cursors are item ids resolved to that key. Never OFFSET.

use protocol_api::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use crate::body::Query;
use crate::error::ApiError;

/// Which way a page goes from its cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// The newest items.
    None,
    /// Items older than this id (`starting_after`).
    After(String),
    /// Items newer than this id, the closest ones (`ending_before`).
    Before(String),
}

/// The paging parameters of a list request.
#[derive(Clone, Debug)]
pub struct PageQuery {
    /// Page size, 1..=100.
    pub limit: u32,
    /// Where the page starts.
    pub cursor: Cursor,
}

impl PageQuery {
    /// Reads `limit`, `starting_after` and `ending_before`, as API.md says.
    pub fn from_query(query: &Query) -> Result<Self, ApiError> {
        let limit = match query.get("limit") {
            None => DEFAULT_PAGE_LIMIT,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_PAGE_LIMIT).contains(n))
                .ok_or_else(|| {
                    ApiError::param(
                        "limit",
                        format!("limit must be between 1 and {MAX_PAGE_LIMIT}"),
                    )
                })?,
        };
        let cursor = match (query.get("starting_after"), query.get("ending_before")) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "give starting_after or ending_before, not both",
                ))
            }
            (Some(id), None) => Cursor::After(id.to_owned()),
            (None, Some(id)) => Cursor::Before(id.to_owned()),
            (None, None) => Cursor::None,
        };
        Ok(Self { limit, cursor })
    }
}

/// The set of items a list may show: `FROM <table> t ... WHERE ...` with numbered
/// parameters `?1..?n` taken from `params`; it must alias the listed table as `t`
/// (with `id`, `created_at` and `seq` columns).
pub struct Listing {
    /// The `FROM ... WHERE ...` clause.
    pub from_where: String,
    /// Its parameters.
    pub params: Vec<Value>,
}

/// The `seq`s of one page of `listing`, newest first, and whether more lie beyond it.
pub fn page_seqs(
    conn: &Connection,
    listing: &Listing,
    page: &PageQuery,
) -> Result<(Vec<i64>, bool), ApiError> {
    let n = listing.params.len();
    let (cursor_id, param) = match &page.cursor {
        Cursor::None => (None, ""),
        Cursor::After(id) => (Some(id), "starting_after"),
        Cursor::Before(id) => (Some(id), "ending_before"),
    };
    let key = match cursor_id {
        None => (i64::MAX, i64::MAX),
        Some(id) => {
            let sql = format!(
                "SELECT t.created_at, t.seq {} AND t.id = ?{}",
                listing.from_where,
                n + 1
            );
            let mut params = listing.params.clone();
            params.push(Value::Text(id.clone()));
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(params))?;
            match rows.next()? {
                Some(row) => (row.get(0)?, row.get(1)?),
                None => return Err(ApiError::param(param, format!("no such item: {param}"))),
            }
        }
    };
    let newer = matches!(page.cursor, Cursor::Before(_));
    let (op, order) = if newer { (">", "ASC") } else { ("<", "DESC") };
    let sql = format!(
        "SELECT t.seq {} AND (t.created_at, t.seq) {op} (?{}, ?{}) \
         ORDER BY t.created_at {order}, t.seq {order} LIMIT ?{}",
        listing.from_where,
        n + 1,
        n + 2,
        n + 3
    );
    let mut params = listing.params.clone();
    params.push(Value::Integer(key.0));
    params.push(Value::Integer(key.1));
    params.push(Value::Integer(i64::from(page.limit) + 1));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut seqs = stmt
        .query_map(params_from_iter(params), |row| row.get::<_, i64>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let has_more = seqs.len() > page.limit as usize;
    seqs.truncate(page.limit as usize);
    if newer {
        seqs.reverse();
    }
    Ok((seqs, has_more))
}

/// `?,?,?` for `count` positional parameters.
pub fn placeholders(count: usize) -> String {
    vec!["?"; count].join(",")
}
