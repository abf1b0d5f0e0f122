//! How a case is named where its community is named too (ladder records: referrals,
//! re-assessments, dismissals, their letters; notice forms).
//!
//! A problem opened from a clue is titled `小区：问题类别` (so it reads on its own in the inbox
//! and the ledger), one found by inspection `排查发现：…`. Wherever the community is printed next
//! to the title, it must appear once: `析城山庄：楼道堆放杂物`, never `析城山庄：析城山庄：…`.

/// The title without a leading `community：` (or `community:`), trimmed.
pub fn without_community<'a>(community: &str, title: &'a str) -> &'a str {
    let title = title.trim();
    if community.is_empty() {
        return title;
    }
    let rest = title
        .strip_prefix(community)
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('：').or_else(|| r.strip_prefix(':')))
        .map(str::trim_start);
    match rest {
        Some(r) if !r.is_empty() => r,
        _ => title,
    }
}

/// `community：title` with the community once.
pub fn with_community(community: &str, title: &str) -> String {
    let rest = without_community(community, title);
    if community.is_empty() || rest == community { rest.to_string() } else { format!("{community}：{rest}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_community_appears_once() {
        for (community, title, without, with) in [
            (
                "析城山庄",
                "析城山庄：共有部分维修养护不到位",
                "共有部分维修养护不到位",
                "析城山庄：共有部分维修养护不到位",
            ),
            ("析城山庄", "排查发现：消防通道被占用", "排查发现：消防通道被占用", "析城山庄：排查发现：消防通道被占用"),
            ("析城山庄", "析城山庄: 电梯广告收益未公示", "电梯广告收益未公示", "析城山庄：电梯广告收益未公示"),
            ("析城山庄", "  析城山庄：楼道堆物 ", "楼道堆物", "析城山庄：楼道堆物"),
            // A title that merely starts with the name is not cut.
            ("凤城", "凤城花园：楼道堆物", "凤城花园：楼道堆物", "凤城：凤城花园：楼道堆物"),
            ("析城山庄", "析城山庄", "析城山庄", "析城山庄"),
            ("", "楼道堆物", "楼道堆物", "楼道堆物"),
        ] {
            assert_eq!(without_community(community, title), without, "{title}");
            assert_eq!(with_community(community, title), with, "{title}");
        }
    }
}
