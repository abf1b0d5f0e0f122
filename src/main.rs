//! The `propwatch` command: serve, demo, migrate, user create, audit verify, backup, import.

use propwatch::domain::registry::JurisdictionLevel;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use propwatch::config::Settings;
use propwatch::domain::role::{Role, Scope};
use propwatch::service::{Ctx, ServiceError, accounts, audit, demo, registry};

#[derive(Parser)]
#[command(name = "propwatch", version, about = "物业服务监管平台")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the platform (production entry point).
    Serve,
    /// Runs the platform with demo data on the default SQLite database.
    Demo,
    /// Applies database migrations and exits.
    Migrate,
    /// Account administration.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Audit trail operations.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Writes a consistent copy of the live SQLite database (PostgreSQL: use pg_dump).
    Backup {
        /// Destination file (must not exist).
        dest: PathBuf,
    },
    /// Imports complaint emails (.eml files) as clues; a message already imported is skipped.
    IngestMail {
        /// One or more .eml files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Polls the configured IMAP mailbox (`imap_url`) once, then sends the replies due.
    PollMail,
    /// Sends the outgoing mail that is due (replies with tracking codes), through `smtp_url`.
    SendMail,
    /// Background jobs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Open311 partner systems (the 12345 hotline, apps).
    Partner {
        #[command(subcommand)]
        command: PartnerCommand,
    },
    /// Imports registry data.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Creates an account, e.g. the first system administrator.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
        /// Role: system_admin, bureau_staff, bureau_leader, discipline_inspector, township_officer,
        /// company_user, committee_member, department_user.
        #[arg(long, default_value = "system_admin")]
        role: String,
        /// Jurisdiction code for jurisdiction-scoped roles (default: the first county).
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Company, community or department id for the other roles.
        #[arg(long)]
        scope_id: Option<i64>,
        /// Initial password (else read from PROPWATCH_NEW_PASSWORD); must be changed at first login.
        #[arg(long, env = "PROPWATCH_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Runs one tick of the deadline scanner (reminders, overdue cases, unsigned notices).
    RunOnce {
        /// The scanner's "now" (RFC 3339, e.g. 2024-07-01T09:00:00+08:00); default: the clock.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Subcommand)]
enum PartnerCommand {
    /// Creates a partner and prints its api_key (shown once).
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verifies the SM3 hash chain; exits non-zero naming the first broken entry.
    Verify,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Imports companies and communities from an .xlsx file (all or nothing).
    Registry {
        file: PathBuf,
        /// Username of the bureau staff account the import is recorded under.
        #[arg(long)]
        as_user: String,
    },
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PROPWATCH_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn service_err(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(f) => {
            anyhow::anyhow!(f.values().cloned().collect::<Vec<_>>().join("；"))
        }
        ServiceError::Internal(e) => e,
        other => anyhow::anyhow!(other.message()),
    }
}

/// Dispatches notifications and sends the outbox's due messages through the configured
/// channels, and says what happened.
async fn send_mail(deps: &propwatch::service::Deps) -> anyhow::Result<()> {
    let channels = propwatch::service::outbox::Channels::from_settings(&deps.settings)?;
    if channels.any() {
        propwatch::service::outbox::dispatch_notifications(deps, &channels).await.map_err(service_err)?;
        let d = propwatch::service::outbox::deliver_due(deps, &channels).await.map_err(service_err)?;
        println!("发信：成功 {}，待重试 {}，放弃 {}", d.sent, d.retrying, d.failed);
    }
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load()?;
    match cli.command {
        Command::Serve => {
            let deps = propwatch::app::prepare_system(settings).await?;
            propwatch::app::serve(deps).await?;
        }
        Command::Demo => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let given = std::env::var("PROPWATCH_DEMO_PASSWORD").ok().filter(|p| !p.is_empty());
            let password = given.clone().unwrap_or_else(demo::random_password);
            match demo::seed(&deps, &password).await.map_err(service_err)? {
                Some(accounts) => {
                    demo::seed_activity(&deps).await.map_err(service_err)?;
                    println!("已载入演示数据（阳城县）。演示账号（密码：{password}）：");
                    for a in accounts {
                        println!("  {:<14} {:<10} {}（{}）", a.username, a.display_name, a.role.label(), a.scope_name);
                    }
                }
                None => {
                    println!("数据库已有数据，未重复载入演示数据。");
                    if given.is_none() {
                        println!(
                            "演示账号密码为首次载入时打印的密码，或设置 PROPWATCH_DEMO_PASSWORD 后删除 data/ 重新载入。"
                        );
                    }
                }
            }
            println!("物业服务监管平台已启动：{}", deps.settings.public_url);
            propwatch::app::serve(deps).await?;
        }
        Command::Migrate => {
            propwatch::app::prepare_system(settings).await?;
            println!("数据库迁移已完成");
        }
        Command::User {
            command: UserCommand::Create { username, display_name, role, jurisdiction, scope_id, password },
        } => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("未知角色：{role}"))?;
            let scope = match role.scope_kind() {
                propwatch::domain::role::ScopeKind::Jurisdiction => {
                    let tree =
                        propwatch::service::scope::JurisdictionTree::load(&deps.db).await.map_err(service_err)?;
                    let j = match &jurisdiction {
                        Some(code) => tree.all().into_iter().find(|j| &j.code == code).map(|j| j.id),
                        None => tree.of_level(JurisdictionLevel::County, None).first().map(|j| j.id),
                    };
                    Scope::Jurisdiction(
                        j.ok_or_else(|| anyhow::anyhow!("找不到辖区；请先导入辖区或用 --jurisdiction 指定编码"))?,
                    )
                }
                propwatch::domain::role::ScopeKind::Company => {
                    Scope::Company(scope_id.ok_or_else(|| anyhow::anyhow!("请用 --scope-id 指定企业"))?)
                }
                propwatch::domain::role::ScopeKind::Community => {
                    Scope::Community(scope_id.ok_or_else(|| anyhow::anyhow!("请用 --scope-id 指定小区"))?)
                }
                propwatch::domain::role::ScopeKind::Department => {
                    Scope::Department(scope_id.ok_or_else(|| anyhow::anyhow!("请用 --scope-id 指定部门"))?)
                }
            };
            let id = accounts::create_account_cli(&deps, &username, &display_name, role, scope, &password, true)
                .await
                .map_err(service_err)?;
            println!("已创建账号 {username}（编号 {id}），首次登录须修改密码");
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let v = audit::verify_chain(&deps).await.map_err(service_err)?;
            return Ok(match v.broken {
                None => {
                    println!("审计日志完整：共 {} 条记录，SM3 哈希链校验通过", v.verified);
                    ExitCode::SUCCESS
                }
                Some(b) => {
                    println!("审计日志校验失败：第 {} 条记录起不可信：{}", b.seq, b.reason);
                    ExitCode::from(2)
                }
            });
        }
        Command::IngestMail { files } => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let mut failed = 0;
            for file in files {
                let raw = std::fs::read(&file)?;
                let ctx = Ctx { actor_name: "电子邮件".into(), ..Ctx::system(deps.clock.now(), "ingest-mail") };
                match propwatch::service::mail::ingest(&deps, &ctx, &raw).await {
                    Ok(i) => println!("{}：查询码 {}（{}）", file.display(), i.receipt.tracking_code, i.subject),
                    Err(e) => {
                        failed += 1;
                        println!("{}：未导入：{}", file.display(), service_err(e));
                    }
                }
            }
            send_mail(&deps).await?;
            if failed > 0 {
                return Ok(ExitCode::from(2));
            }
        }
        Command::PollMail => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let url = deps.settings.imap_url.clone().ok_or_else(|| anyhow::anyhow!("未配置 imap_url"))?;
            let source = propwatch::service::imap::ImapSource::parse(&url)?;
            let p = propwatch::service::imap::poll_once(&deps, &source).await?;
            println!("{}：登记 {} 封，跳过 {} 封（已标记旗标）", source.key(), p.ingested, p.skipped);
            send_mail(&deps).await?;
        }
        Command::Jobs { command: JobsCommand::RunOnce { at } } => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let now = match at {
                Some(s) => chrono::DateTime::parse_from_rfc3339(&s)
                    .map_err(|e| anyhow::anyhow!("--at 须为 RFC 3339 时间（如 2024-07-01T09:00:00+08:00）：{e}"))?
                    .to_utc(),
                None => deps.clock.now(),
            };
            let t = propwatch::jobs::scanner::run_once(&deps, now).await.map_err(service_err)?;
            println!(
                "期限巡检（{}）：提醒 {} 条，标记逾期 {} 件，提请升级 {} 件，通知书逾期未签收 {} 份，移送逾期未反馈 {} 件，系统核查发现问题 {} 条",
                propwatch::clock::display(now),
                t.reminders,
                t.overdue,
                t.escalations_proposed,
                t.unsigned_flagged,
                t.referrals_reminded,
                t.findings
            );
        }
        Command::SendMail => {
            let deps = propwatch::app::prepare_system(settings).await?;
            anyhow::ensure!(
                deps.settings.smtp_url.is_some() || deps.settings.sms_provider != "none",
                "未配置 smtp_url 或 sms_provider"
            );
            send_mail(&deps).await?;
        }
        Command::Partner { command: PartnerCommand::Create { name } } => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let key = propwatch::service::open311::create_partner(&deps, &name).await.map_err(service_err)?;
            println!("已创建 Open311 合作方“{name}”。api_key（仅显示一次，请妥善保管）：\n{key}");
        }
        Command::Backup { dest } => {
            let deps = propwatch::app::prepare_system(settings).await?;
            propwatch::db::backup_sqlite(&deps.db, &dest).await?;
            println!("已备份到 {}", dest.display());
        }
        Command::Import { command: ImportCommand::Registry { file, as_user } } => {
            let deps = propwatch::app::prepare_system(settings).await?;
            let bytes = std::fs::read(&file)?;
            let user = propwatch::db::accounts::user_by_username(&deps.db, &as_user)
                .await?
                .ok_or_else(|| anyhow::anyhow!("账号 {as_user} 不存在"))?;
            let su = accounts::session_user(&deps.db, user)
                .await
                .map_err(service_err)?
                .ok_or_else(|| anyhow::anyhow!("账号 {as_user} 不可用"))?;
            let mut ctx = Ctx::system(deps.clock.now(), "import registry");
            ctx.actor = Some(su.actor.clone());
            ctx.actor_name = su.display_name.clone();
            let report = registry::import_registry(&deps, &ctx, bytes).await.map_err(service_err)?;
            if report.errors.is_empty() {
                println!(
                    "导入完成：企业新增 {} 更新 {} 未变 {}；小区新增 {} 更新 {} 未变 {}",
                    report.companies_created,
                    report.companies_updated,
                    report.companies_unchanged,
                    report.communities_created,
                    report.communities_updated,
                    report.communities_unchanged
                );
            } else {
                println!("文件有 {} 处错误，未导入任何数据：", report.errors.len());
                for e in &report.errors {
                    println!("  {} 第{}行：{}", e.sheet, e.row, e.message);
                }
                return Ok(ExitCode::from(2));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
