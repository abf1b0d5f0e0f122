//! The intake writer: every new clue, from every channel, is written by one task that groups
//! the submissions waiting at that moment into one transaction (group commit). Each submission
//! is acknowledged only after that transaction is durably committed (SQLite: WAL with
//! `synchronous=FULL`, so the commit is fsync-ed; PostgreSQL: committed), and one fsync then
//! serves the whole group. A submission that fails (say, an unknown community) is rolled back
//! to its savepoint without affecting the others in its group.

use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use super::ServiceError;
use super::complaints::{Prepared, Receipt, insert_prepared};
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
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&db, batch).await;
    }
}

async fn write_batch(db: &DatabaseConnection, batch: Vec<(Prepared, Reply)>) {
    let tx = match db.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "intake: begin failed");
            for (_, reply) in batch {
                let _ = reply.send(Err(anyhow::anyhow!("数据库暂不可用").into()));
            }
            return;
        }
    };
    let mut outcomes: Vec<(Reply, Result<Receipt, ServiceError>)> = Vec::with_capacity(batch.len());
    let mut audit: Vec<AuditRecord> = Vec::with_capacity(batch.len());
    for (job, reply) in batch {
        let result = async {
            let sp = tx.begin().await?;
            match insert_prepared(&sp, &job).await {
                Ok(done) => {
                    sp.commit().await?;
                    Ok(done)
                }
                Err(e) => {
                    sp.rollback().await?;
                    Err(e)
                }
            }
        }
        .await;
        match result {
            Ok((receipt, record)) => {
                audit.extend(record);
                outcomes.push((reply, Ok(receipt)));
            }
            Err(e) => outcomes.push((reply, Err(e))),
        }
    }
    let committed = async {
        crate::db::audit::append_many(&tx, audit).await?;
        tx.commit().await
    }
    .await;
    match committed {
        Ok(()) => {
            for (reply, result) in outcomes {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "intake: commit failed");
            for (reply, result) in outcomes {
                let _ = reply.send(match result {
                    Ok(_) => Err(anyhow::anyhow!("保存失败，请重试").into()),
                    Err(e) => Err(e),
                });
            }
        }
    }
}
