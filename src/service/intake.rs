//! The intake writer: every new clue, from every channel, is written by one task that groups
//! the submissions waiting at that moment into one transaction (group commit). Each submission
//! is acknowledged only after that transaction is durably committed (SQLite: WAL with
//! `synchronous=FULL`, so the commit is fsync-ed; PostgreSQL: committed), and one fsync then
//! serves the whole group, which is written with a fixed number of statements. A submission
//! that fails validation (say, an unknown community) gets its error without affecting the others.

use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use super::ServiceError;
use super::complaints::{Prepared, Receipt, insert_batch};
use crate::domain::audit::AuditRecord;

/// Most submissions in one transaction.
pub const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<Receipt, ServiceError>>;

/// Handle to the writer task.
#[derive(Clone, Debug)]
pub struct Intake {
    sender: mpsc::Sender<(Prepared, Reply)>,
}

impl Intake {
    /// Starts the writer on `db`.
    pub fn start(db: DatabaseConnection) -> Intake {
        let (sender, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer(db, rx));
        Intake { sender }
    }

    /// Queues one prepared submission and waits until it is durably committed.
    pub async fn submit(&self, p: Prepared) -> Result<Receipt, ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.sender.send((p, reply)).await.map_err(|_| anyhow::anyhow!("intake writer stopped"))?;
        answer.await.map_err(|_| anyhow::anyhow!("intake writer dropped the submission"))?
    }
}

async fn writer(db: DatabaseConnection, mut rx: mpsc::Receiver<(Prepared, Reply)>) {
    while let Some(batch) = next_group(&mut rx, MAX_BATCH).await {
        write_batch(&db, batch).await;
    }
}

/// The next group for a group-commit writer: waits for one item, then takes those already
/// waiting, up to `max`. None once every sender is gone.
pub(crate) async fn next_group<T>(rx: &mut mpsc::Receiver<T>, max: usize) -> Option<Vec<T>> {
    let mut batch = vec![rx.recv().await?];
    while batch.len() < max {
        match rx.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

async fn write_batch(db: &DatabaseConnection, batch: Vec<(Prepared, Reply)>) {
    let (jobs, replies): (Vec<Prepared>, Vec<Reply>) = batch.into_iter().unzip();
    let refs: Vec<&Prepared> = jobs.iter().collect();
    let started = std::time::Instant::now();
    let outcome = write_group(db, &refs).await;
    tracing::debug!(size = jobs.len(), ms = started.elapsed().as_secs_f64() * 1000.0, "intake group written");
    match outcome {
        Ok(results) => {
            for (reply, result) in replies.into_iter().zip(results) {
                let _ = reply.send(result);
            }
        }
        Err(e) if jobs.len() > 1 => {
            // Something in the group was refused by the database (say, two submissions with one
            // external reference): retry one by one, so only the culprit fails.
            tracing::warn!(error = %e, size = jobs.len(), "intake: group failed, retrying one by one");
            for (job, reply) in jobs.iter().zip(replies) {
                let result = match write_group(db, &[job]).await {
                    Ok(mut r) => r.pop().expect("one result"),
                    Err(e) => Err(e),
                };
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            for reply in replies {
                let _ = reply.send(Err(anyhow::anyhow!("保存失败，请重试：{e}").into()));
            }
        }
    }
}

/// One transaction for a group: insert, chain the audit entries, commit (the one fsync).
async fn write_group(
    db: &DatabaseConnection,
    jobs: &[&Prepared],
) -> Result<Vec<Result<Receipt, ServiceError>>, ServiceError> {
    let tx = db.begin().await?;
    let written = insert_batch(&tx, jobs).await?;
    let audit: Vec<AuditRecord> = written.iter().filter_map(|w| w.as_ref().ok().and_then(|(_, r)| r.clone())).collect();
    crate::db::audit::append_many(&tx, audit).await?;
    tx.commit().await?;
    Ok(written.into_iter().map(|w| w.map(|(receipt, _)| receipt)).collect())
}
