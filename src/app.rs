//! Start-up: configuration → database → migrations → catalog → the HTTP server.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::clock::{SharedClock, SystemClock};
use crate::config::Settings;
use crate::crypto::PersonalDataCipher;
use crate::service::Deps;

/// Opens the database, applies migrations and seeds the catalog.
pub async fn prepare(settings: Settings, clock: SharedClock) -> anyhow::Result<Deps> {
    std::fs::create_dir_all(&settings.data_dir)?;
    let db = crate::db::connect(&settings.database_url).await?;
    crate::db::migrate(&db).await?;
    // Evidence kept as files before the `blobs` table moves in, each checked by its digest.
    let adopted = crate::db::blobs::adopt_files(&db, &settings.data_dir, crate::crypto::sm3_hex, clock.now()).await?;
    if adopted.moved > 0 {
        tracing::info!(files = adopted.moved, bytes = adopted.bytes, "evidence files moved into the database");
    }
    for p in &adopted.mismatched {
        tracing::error!(file = %p.display(), "evidence file does not match the digest in its name; left in place");
    }
    let cipher = PersonalDataCipher::load_or_create(settings.personal_data_key.as_deref(), &settings.data_dir)?;
    let intake = crate::service::intake::Intake::start(db.clone());
    let ballots = crate::service::ballot_box::BallotBox::start(db.clone());
    let read = crate::db::connect_reader(&settings.database_url, &db, settings.sqlite_readers).await?;
    let deps = Deps { db, read, clock, settings: Arc::new(settings), cipher, intake, ballots };
    crate::service::demo::ensure_catalog(&deps).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::service::holidays::ensure_holidays(&deps).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::service::reassessments::ensure_grades(&deps).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::service::disclosures::ensure_items(&deps).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::service::surveys::ensure_questionnaire(&deps).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(deps)
}

/// Prepares with the system clock.
pub async fn prepare_system(settings: Settings) -> anyhow::Result<Deps> {
    prepare(settings, Arc::new(SystemClock)).await
}

/// Serves HTTP until Ctrl-C / SIGTERM.
pub async fn serve(deps: Deps) -> anyhow::Result<()> {
    let listen = deps.settings.listen.clone();
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let store = crate::db::session_store::DbSessionStore::new(
        deps.db.clone(),
        deps.read.clone(),
        deps.clock.clone(),
        chrono::Duration::minutes(deps.settings.session_idle_minutes),
    );
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "deleting expired sessions failed");
            }
        }
    });
    start_mail(&deps)?;
    tokio::spawn(crate::jobs::scanner::run(deps.clone()));
    // jieba's dictionary loads off the start-up path.
    tokio::task::spawn_blocking(crate::search::warm_up);
    let app = crate::web::build(deps);
    tracing::info!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

/// Starts the outbox sender (mail when SMTP is configured, text messages when an SMS provider
/// is) and the IMAP poller (when a mailbox is).
fn start_mail(deps: &Deps) -> anyhow::Result<()> {
    let channels = crate::service::outbox::Channels::from_settings(&deps.settings)?;
    if channels.any() {
        tracing::info!(?channels, "sending mail and text messages");
        tokio::spawn(crate::service::outbox::run(deps.clone(), channels.clone()));
    }
    if let Some(url) = &deps.settings.imap_url {
        let source = crate::service::imap::ImapSource::parse(url)?;
        tracing::info!(mailbox = ?source, every = deps.settings.imap_poll_seconds, "polling the complaint mailbox");
        tokio::spawn(crate::service::imap::run(deps.clone(), source, channels));
    }
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
