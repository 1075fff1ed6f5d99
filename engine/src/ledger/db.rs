//! The two databases a ledger lives in, behind the few operations the ledger needs.
//!
//! **Why not an ORM or sqlx.** The ledger's SQL is a dozen statements written once in the
//! portable subset both databases share (`?1`-numbered parameters, rewritten to PostgreSQL's
//! `$1`; `BIGINT` cents; text dates). What differs is small and lives here: how a writer takes
//! the ledger alone, how the schema is found, and how errors say "busy".
//!
//! **Writers.** SQLite: `BEGIN IMMEDIATE` with no busy wait, so a second writer fails at once.
//! PostgreSQL: a transaction that takes the ledger's advisory lock with
//! `pg_try_advisory_xact_lock`, so a second writer is refused at once the same way, and the lock
//! goes with the transaction (commit, rollback, or a killed client's dropped connection).

use std::fmt;

/// A ledger's location, parsed once from `--ledger`.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file (created on first use).
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL connection string (`postgres://user:password@host:port/database`, or the
    /// key=value form). The password is never printed.
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a server; anything else is an SQLite file path.
    pub fn parse(text: &str) -> Location {
        let lower = text.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres(text.trim().to_string())
        } else {
            Location::Sqlite(std::path::PathBuf::from(text))
        }
    }
}

impl fmt::Display for Location {
    /// The file path, or the connection string with its password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let redacted = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    // A password can also come as `?password=…`.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let q: Vec<String> =
                query
                    .split('&')
                    .map(|kv| {
                        if kv.to_ascii_lowercase().starts_with("password=") { "password=***".to_string() } else { kv.to_string() }
                    })
                    .collect();
            format!("{path}?{}", q.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{redacted}{tail}")
}

/// A database error, as the database said it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    // The database's own error is the message, not a `source`: printed once, not again as a
    // cause of itself.
    /// SQLite's error.
    #[error("{0}")]
    Sqlite(rusqlite::Error),
    /// PostgreSQL's error (the server's message, or the connection's).
    #[error("{}", postgres_message(.0))]
    Postgres(postgres::Error),
    /// Another writer holds the ledger.
    #[error("database busy")]
    Busy,
    /// A value of a type the ledger never stores (a bug).
    #[error("column {column}: expected an integer or text, found {found}")]
    Type {
        /// Column position (0-based).
        column: usize,
        /// The database's type name.
        found: String,
    },
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        DbError::Postgres(e)
    }
}

/// The server's message with its SQLSTATE, or the connection's error with its cause.
fn postgres_message(e: &postgres::Error) -> String {
    use std::error::Error as _;
    match (e.as_db_error(), e.source()) {
        (Some(db), _) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        (None, Some(cause)) => format!("{e} ({cause})"),
        (None, None) => e.to_string(),
    }
}

impl DbError {
    /// True when another writer holds the database.
    pub fn is_busy(&self) -> bool {
        match self {
            DbError::Busy => true,
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            }
            // lock_not_available, serialization_failure
            DbError::Postgres(e) => e.code().is_some_and(|c| matches!(c.code(), "55P03" | "40001")),
            _ => false,
        }
    }
}

pub(crate) type DbResult<T> = std::result::Result<T, DbError>;

/// A parameter of a statement.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Param<'a> {
    Int(i64),
    Text(&'a str),
    OptInt(Option<i64>),
    OptText(Option<&'a str>),
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}
impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}
impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}
impl From<Option<i64>> for Param<'_> {
    fn from(v: Option<i64>) -> Self {
        Param::OptInt(v)
    }
}
impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Param::OptText(v)
    }
}

/// `params![a, b]` → `&[Param]`.
macro_rules! params {
    ($($p:expr),* $(,)?) => { &[$($crate::ledger::db::Param::from($p)),*][..] };
}
pub(crate) use params;

/// One cell of a result row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    Int(i64),
    Text(String),
    Null,
}

/// One result row.
#[derive(Clone, Debug)]
pub(crate) struct Row(Vec<Cell>);

impl Row {
    pub(crate) fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or_default()
    }
    pub(crate) fn opt_int(&self, i: usize) -> Option<i64> {
        match self.0.get(i) {
            Some(Cell::Int(v)) => Some(*v),
            Some(Cell::Text(t)) => t.parse().ok(),
            _ => None,
        }
    }
    /// The text of a cell, borrowed (`""` for null or a number).
    pub(crate) fn str(&self, i: usize) -> &str {
        match self.0.get(i) {
            Some(Cell::Text(t)) => t,
            _ => "",
        }
    }
    /// The text of a cell, moved out (the cell becomes null).
    pub(crate) fn take_text(&mut self, i: usize) -> String {
        match self.0.get_mut(i).map(|c| std::mem::replace(c, Cell::Null)) {
            Some(Cell::Text(t)) => t,
            Some(Cell::Int(v)) => v.to_string(),
            _ => String::new(),
        }
    }
    pub(crate) fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }
    pub(crate) fn opt_text(&self, i: usize) -> Option<String> {
        match self.0.get(i) {
            Some(Cell::Text(t)) => Some(t.clone()),
            Some(Cell::Int(v)) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// An open connection.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

impl fmt::Debug for Conn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Conn::Sqlite(_) => "Conn::Sqlite",
            Conn::Postgres(_) => "Conn::Postgres",
        })
    }
}

/// The ledger's advisory lock key on PostgreSQL (any constant: "impatto" in ASCII).
const WRITER_LOCK: i64 = 0x0069_6d70_6174_746f;

/// `?1` → `$1`, outside quoted strings.
fn to_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

impl Conn {
    /// Run statements without parameters (schema, transactions).
    pub(crate) fn batch(&mut self, sql: &str) -> DbResult<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => Ok(c.batch_execute(sql)?),
        }
    }

    /// Run one statement; the number of rows it changed.
    pub(crate) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> DbResult<u64> {
        match self {
            Conn::Sqlite(c) => {
                let values: Vec<rusqlite::types::Value> = params.iter().map(sqlite_value).collect();
                Ok(c.prepare_cached(sql)?.execute(rusqlite::params_from_iter(values))? as u64)
            }
            Conn::Postgres(c) => {
                let boxed = postgres_params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = boxed.iter().map(|b| b.as_ref()).collect();
                Ok(c.execute(to_postgres(sql).as_str(), &refs)?)
            }
        }
    }

    /// Insert rows (each `columns.len()` parameters long), many to a statement: one
    /// round trip per thousand rows on a server instead of one per row.
    pub(crate) fn insert_many(&mut self, table: &str, columns: &[&str], rows: &[Vec<Param<'_>>]) -> DbResult<()> {
        use std::fmt::Write as _;
        let width = columns.len().max(1);
        // SQLite binds at most 32,766 parameters, PostgreSQL 65,535.
        let per_statement = (30_000 / width).clamp(1, 1000);
        for chunk in rows.chunks(per_statement) {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut n = 0;
            for (i, row) in chunk.iter().enumerate() {
                debug_assert_eq!(row.len(), width);
                sql.push_str(if i == 0 { "(" } else { ", (" });
                for j in 0..width {
                    n += 1;
                    let _ = write!(sql, "{}?{n}", if j == 0 { "" } else { ", " });
                }
                sql.push(')');
            }
            let flat: Vec<Param<'_>> = chunk.iter().flatten().copied().collect();
            self.execute(&sql, &flat)?;
        }
        Ok(())
    }

    /// Run one query; every row, cells as integers, text or null.
    pub(crate) fn query(&mut self, sql: &str, params: &[Param<'_>]) -> DbResult<Vec<Row>> {
        let mut out = Vec::new();
        self.query_each(sql, params, |r| out.push(r))?;
        Ok(out)
    }

    /// Run one query and hand each row to `each` as it is read.
    pub(crate) fn query_each(&mut self, sql: &str, params: &[Param<'_>], mut each: impl FnMut(Row)) -> DbResult<()> {
        match self {
            Conn::Sqlite(c) => {
                let values: Vec<rusqlite::types::Value> = params.iter().map(sqlite_value).collect();
                let mut stmt = c.prepare_cached(sql)?;
                let n = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
                while let Some(r) = rows.next()? {
                    each(Row(sqlite_cells(r, n)?));
                }
                Ok(())
            }
            Conn::Postgres(c) => {
                use postgres::fallible_iterator::FallibleIterator as _;
                let boxed = postgres_params(params);
                let refs = boxed.iter().map(|b| b.as_ref() as &dyn postgres::types::ToSql);
                let mut rows = c.query_raw(to_postgres(sql).as_str(), refs)?;
                while let Some(r) = rows.next()? {
                    each(Row(postgres_cells(&r)?));
                }
                Ok(())
            }
        }
    }

    /// The first row of a query, if any.
    pub(crate) fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> DbResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Start the transaction of a writer, alone: [`DbError::Busy`] at once if another writer
    /// holds the ledger.
    pub(crate) fn begin_write(&mut self) -> DbResult<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch("BEGIN IMMEDIATE")?),
            Conn::Postgres(c) => {
                c.batch_execute("BEGIN")?;
                let got: bool = c.query_one("SELECT pg_try_advisory_xact_lock($1)", &[&WRITER_LOCK])?.try_get(0)?;
                if got {
                    Ok(())
                } else {
                    let _ = c.batch_execute("ROLLBACK");
                    Err(DbError::Busy)
                }
            }
        }
    }

    /// Start a schema migration: waits for another process migrating (PostgreSQL) or for the
    /// busy timeout (SQLite).
    pub(crate) fn begin_migration(&mut self) -> DbResult<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch("BEGIN IMMEDIATE")?),
            Conn::Postgres(c) => {
                c.batch_execute("BEGIN")?;
                c.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITER_LOCK])?;
                Ok(())
            }
        }
    }

    /// Does the table exist (in the schema the connection uses)?
    pub(crate) fn has_table(&mut self, name: &str) -> DbResult<bool> {
        let sql = match self {
            Conn::Sqlite(_) => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            Conn::Postgres(_) => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND CAST(table_name AS TEXT) = ?1"
            }
        };
        Ok(self.query_one(sql, params![name])?.is_some_and(|r| r.int(0) > 0))
    }

    /// `sqlite` or `postgres`: which backend-specific migrations apply.
    pub(crate) fn dialect(&self) -> &'static str {
        match self {
            Conn::Sqlite(_) => "sqlite",
            Conn::Postgres(_) => "postgres",
        }
    }
}

fn postgres_cells(r: &postgres::Row) -> DbResult<Vec<Cell>> {
    use postgres::types::Type;
    let mut cells = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let t = col.type_();
        cells.push(if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?.map_or(Cell::Null, Cell::Int)
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?.map_or(Cell::Null, |v| Cell::Int(i64::from(v)))
        } else if *t == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?.map_or(Cell::Null, |v| Cell::Int(i64::from(v)))
        } else if *t == Type::TEXT || *t == Type::VARCHAR || *t == Type::NAME {
            r.try_get::<_, Option<String>>(i)?.map_or(Cell::Null, Cell::Text)
        } else {
            return Err(DbError::Type { column: i, found: t.name().to_string() });
        });
    }
    Ok(cells)
}

fn sqlite_cells(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Vec<Cell>> {
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        cells.push(match r.get_ref(i)? {
            rusqlite::types::ValueRef::Integer(v) => Cell::Int(v),
            rusqlite::types::ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            rusqlite::types::ValueRef::Null => Cell::Null,
            other => return Err(rusqlite::Error::InvalidColumnType(i, "an integer or text".into(), other.data_type())),
        });
    }
    Ok(cells)
}

fn sqlite_value(p: &Param<'_>) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match *p {
        Param::Int(v) | Param::OptInt(Some(v)) => Value::Integer(v),
        Param::Text(t) | Param::OptText(Some(t)) => Value::Text(t.to_string()),
        Param::OptInt(None) | Param::OptText(None) => Value::Null,
    }
}

fn postgres_params(params: &[Param<'_>]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
            match *p {
                Param::Int(v) => Box::new(v),
                Param::Text(t) => Box::new(t.to_string()),
                Param::OptInt(v) => Box::new(v),
                Param::OptText(v) => Box::new(v.map(str::to_string)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollar_numbers_outside_strings() {
        assert_eq!(
            to_postgres("SELECT '?1', x FROM t WHERE a = ?1 AND b < ?12"),
            "SELECT '?1', x FROM t WHERE a = $1 AND b < $12"
        );
    }

    #[test]
    fn passwords_are_never_printed() {
        let l = Location::parse("postgres://city:s3cret@db.example:5432/ledger?sslmode=prefer&password=x");
        assert_eq!(l.to_string(), "postgres://city:***@db.example:5432/ledger?sslmode=prefer&password=***");
        assert_eq!(Location::parse("postgresql://localhost/l").to_string(), "postgresql://localhost/l");
        assert_eq!(Location::parse("ledger.sqlite"), Location::Sqlite("ledger.sqlite".into()));
    }
}
