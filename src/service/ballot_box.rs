//! The ballot box (SQLite, whose one writer serialises every transaction anyway): electronic
//! ballots are written by one task that groups the ballots waiting at that moment into one
//! transaction (group commit, as the intake writer does for clues). Each
//! ballot has its own savepoint, so one refused by the unique indexes (a second ballot of an
//! owner or a unit, a code used meanwhile) is rolled back alone and answered with its refusal;
//! the others commit together, with their audit entries (and the refusals'), under one fsync.
//! A ballot is acknowledged only once that transaction is committed.

use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use super::ServiceError;
use super::rule_code::RuleCode;
use crate::db;
use crate::domain::audit::AuditRecord;

/// Most ballots in one transaction.
pub const MAX_BATCH: usize = 128;

/// One ballot to write.
#[derive(Debug)]
pub struct Job {
    pub ballot: db::decisions::NewBallot,
    /// The code signed in with: marked used in the same savepoint.
    pub code_id: i64,
    /// The unit as people name it (for the refusal's message).
    pub label: String,
    /// The audit entry of the ballot, and the one of its refusal.
    pub audit: AuditRecord,
    pub refused: AuditRecord,
    pub at: chrono::DateTime<chrono::Utc>,
}

type Reply = oneshot::Sender<Result<(), ServiceError>>;

/// Handle to the writer task.
#[derive(Clone, Debug)]
pub struct BallotBox {
    sender: mpsc::Sender<(Job, Reply)>,
}

impl BallotBox {
    /// Starts the writer on `db`.
    pub fn start(db: DatabaseConnection) -> BallotBox {
        let (sender, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer(db, rx));
        BallotBox { sender }
    }

    /// Queues a ballot and waits until it is committed (or refused).
    pub async fn cast(&self, job: Job) -> Result<(), ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.sender.send((job, reply)).await.map_err(|_| anyhow::anyhow!("ballot writer stopped"))?;
        answer.await.map_err(|_| anyhow::anyhow!("ballot writer dropped the ballot"))?
    }
}

async fn writer(db: DatabaseConnection, mut rx: mpsc::Receiver<(Job, Reply)>) {
    while let Some(batch) = super::intake::next_group(&mut rx, MAX_BATCH).await {
        let (jobs, replies): (Vec<Job>, Vec<Reply>) = batch.into_iter().unzip();
        match write_group(&db, jobs).await {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "ballot group failed");
                for reply in replies {
                    let _ = reply.send(Err(anyhow::anyhow!("投票保存失败，请重试：{e}").into()));
                }
            }
        }
    }
}

/// The refusal a unique index or the code's compare-and-set answers for a ballot.
fn refusal(e: &sea_orm::DbErr, label: &str) -> Option<ServiceError> {
    if db::violates(e, "uq_decision_ballots_holder") {
        Some(RuleCode::AlreadyVoted(format!("{label}的业主（含其名下其他房屋）")).into())
    } else if db::violates(e, "uq_decision_ballot_units_unit") {
        Some(RuleCode::AlreadyVoted(label.to_string()).into())
    } else {
        None
    }
}

async fn write_group(db: &DatabaseConnection, jobs: Vec<Job>) -> Result<Vec<Result<(), ServiceError>>, ServiceError> {
    let tx = db.begin().await?;
    let mut results = Vec::with_capacity(jobs.len());
    let mut audit = Vec::with_capacity(jobs.len());
    for job in jobs {
        let sp = tx.begin().await?;
        let written: Result<bool, sea_orm::DbErr> = async {
            db::decisions::insert_ballot(&sp, job.ballot, job.at).await?;
            db::decisions::use_code_if_unused(&sp, job.code_id, job.at).await
        }
        .await;
        match written {
            Ok(true) => {
                sp.commit().await?;
                audit.push(job.audit);
                results.push(Ok(()));
            }
            Ok(false) => {
                sp.rollback().await?;
                audit.push(job.refused);
                results.push(Err(RuleCode::AlreadyVoted("该表决码".into()).into()));
            }
            Err(e) => {
                sp.rollback().await?;
                match refusal(&e, &job.label) {
                    Some(r) => {
                        audit.push(job.refused);
                        results.push(Err(r));
                    }
                    None => results.push(Err(e.into())),
                }
            }
        }
    }
    db::audit::append_many(&tx, audit).await?;
    tx.commit().await?;
    Ok(results)
}
