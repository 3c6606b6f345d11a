//! Synthetic campaigns for benchmarks and tests: `DIR/campaign.yaml` and
//! `DIR/records/uNNN/...` for up to 150 universities, the five that the 2020
//! notice names first, then invented ones. Each team file serves 2–3
//! families, and each family file is about 1.8 KB of YAML.
//!
//! The output depends only on the options: the random numbers come from a
//! splitmix64 generator seeded with `seed`. Without injected errors no record
//! has an error. Families whose last visit (or approval) is before 2020-02-25
//! get overdue-visit warnings, counted from the campaign's `as_of: 2020-03-10`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const MAX_UNIVERSITIES: usize = 150;

// Word lists, separated by spaces. The place names are real Henan cities with
// their telephone area codes. Every university name after the first five is invented.
const NOTICE_UNIVERSITIES: &str = "郑州大学 河南大学 河南理工大学 河南中医药大学 新乡医学院";
const CITIES: &str = "郑州:0371 开封:0371 洛阳:0379 平顶山:0375 安阳:0372 鹤壁:0392 \
    新乡:0373 焦作:0391 濮阳:0393 许昌:0374 漯河:0395 三门峡:0398 南阳:0377 商丘:0370 \
    信阳:0376 周口:0394 驻马店:0396 济源:0391";
const UNIVERSITY_SUFFIXES: &str = "某某大学 某某理工学院 某某师范学院 某某医学院 某某科技学院 \
    某某职业技术学院 某某工程学院 某某财经学院 某某医学高等专科学校";
const SURNAMES: &str = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎";
const GIVEN_CHARS: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉云海鹏飞雪梅晨阳宇欣怡佳琪浩然子涵思远博雨婷嘉豪";
const ROADS: &str = "文化路 建设路 人民路 解放路 黄河路 大学路 民主路 中州大道 花园路 工业路";
/// School grades from youngest to oldest. A family lists its children oldest first.
const GRADES: &str = "幼儿园小班 幼儿园中班 幼儿园大班 小学一年级 小学二年级 小学三年级 小学四年级 \
    小学五年级 小学六年级 初中一年级 初中二年级 初中三年级 高中一年级 高中二年级 高中三年级";
const HEALTH: &str = "身体健康 患高血压需每日服药 患糖尿病 患冠心病 腰椎病行动不便 患慢性支气管炎 \
    有轻度认知障碍 关节炎腿脚不便";
const HUBEI_HOSPITALS: &str =
    "武汉市某方舱医院 武汉市某医院 武汉市某定点医院 湖北省某市中心医院 湖北省某县人民医院";
const COLLEGES: &str =
    "医学院 文学院 数学与统计学院 教育学院 外国语学院 护理学院 心理学院 计算机学院";
const TEAM_KINDS: &str = "青年志愿者服务队 研究生支教团 其他优秀青年志愿者";
const SKILLS: &str =
    "小学数学 初中数学 高中物理 英语 语文 心理咨询 临床医学 护理学 中医内科 学前教育";
const OPINIONS: &str = "同意 同意按方案开展服务 同意并做好防护";
const INTROS: &str = "在抗疫一线工作，家中事务由爱人一人承担，压力较大。 \
    连续多日在医院值班，不能回家，家人希望得到志愿者的帮助。 \
    主动报名参加医疗队，家中老人和孩子需要有人关心。 \
    在隔离病区工作，住在医院安排的宿舍，家中日常事务无人照应。";
/// Per service code 1 to 5: the bold label of its plan item, the item's closing
/// words and, in `NEED_DETAILS`, the phrases one of which starts the item.
const NEED_LABELS: [&str; 5] = ["学习辅导", "心理援助", "健康咨询", "生活帮扶", "其他"];
const NEED_CLOSINGS: &str = "每周检查作业完成情况 及时了解家人情绪变化 记录老人的用药和身体状况 \
    物品放在门口不进入家中 按家庭实际需要调整";
const NEED_DETAILS: [&str; 5] = [
    "每周三次线上辅导数学和语文 每晚19:00线上答疑 每天下午陪孩子上网课并整理错题",
    "每周一次由心理学专业志愿者视频交流 每周两次电话谈心 每周五与家长通话",
    "医学专业志愿者每周两次视频问诊 每三天询问一次血压和血糖 每周一次线上健康讲座",
    "同小区志愿者每周代购一次蔬菜和药品 每周两次代购生活用品 每周代购一次学习用品",
    "代约社区医院复诊 每周推荐一本课外书并线上交流 帮助老人学会使用手机视频",
];
/// Closing sentences of a plan, added in random order until it is long enough.
const EXTRA_LINES: &str = "志愿者每周日向校团委报告一次服务情况，发现新的需要及时调整方案。 \
    服务以线上为主，线下服务须经校团委批准并做好防护。 \
    所有志愿者均已通过基础培训，服务时注意保护家庭隐私。 \
    团队负责人每周与医务人员本人联系一次，听取意见和建议。 \
    开学后根据学校安排，改为**每周两次**学业指导和读书交流。 \
    遇到孩子情绪低落或老人身体不适，志愿者当天向校团委报告。 \
    家庭联系方式只在团队内部使用，不对外公开。 \
    每两周回访一次家庭，了解服务效果，优化“一家一策”。 \
    团队建立服务台账，记录每次服务的时间、内容和家庭反馈。 \
    疫情结束后，志愿者与家庭共同总结，形成服务案例。 \
    志愿者之间每周线上碰头一次，交流服务中遇到的问题。 \
    服务时间避开医务人员休息时段，不打扰家人正常作息。 \
    每次服务后在团队群内登记，负责人每周汇总后报送校团委。 \
    如家庭成员出现发热等症状，立即报告社区并停止线下服务。";
const NOTES: &str = "家人情绪稳定，对服务表示满意。 孩子作业按计划完成，学习积极性提高。 \
    老人身体平稳，已按时服药。 家长希望增加辅导次数，已调整方案。 \
    代购物品已送达，全程无接触交接。 了解到新的需要，已报校团委研究。";
const OFFLINE_TEXT: &str = "经校团委批准，由住在附近的志愿者 1 人负责。出门前测体温，\n\
    全程佩戴口罩和手套，**无接触交接**，不进入家中。";
/// Key path and description of each error that `--errors` injects, used in turn by `inject_error`.
const ERRORS: [(&str, &str); 10] = [
    ("family.phone", "mobile number with 10 digits"),
    ("worker.gender", "gender is neither 男 nor 女"),
    ("family.grades", "one grade more than minors"),
    ("team", "no team of that id in the university"),
    ("needs", "service code 6 is outside 1..5"),
    ("needs", "code 5 without needs_summary"),
    ("approval.date", "2020-02-30 is not a real day"),
    (
        "family.elderly_health",
        "elderly > 0 without elderly_health",
    ),
    ("family.size", "in_hubei + elderly + minors exceeds size"),
    ("worker.deploymnet", "unknown key, a typo of deployment"),
];

/// Settings of one generated campaign.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Number of family files, at least 1.
    pub families: usize,
    pub seed: u64,
    /// Folder that receives `campaign.yaml` and `records/`.
    pub out: PathBuf,
    /// Number of families that get one known error each.
    pub errors: usize,
}

/// One error put into a generated record on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedError {
    /// Path of the record relative to the output folder.
    pub file: String,
    pub key_path: String,
    pub description: String,
}

/// A splitmix64 pseudo-random generator: fine for test data, useless for secrets.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a number in `0..n`. The modulo bias is below `n / 2^64`, negligible here.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn percent(&mut self, chance: u64) -> bool {
        self.next_u64() % 100 < chance
    }

    /// Returns one entry of a space-separated word list.
    fn word(&mut self, list: &'static str) -> &'static str {
        let words: Vec<&'static str> = list.split_whitespace().collect();
        words[self.below(words.len())]
    }

    fn character(&mut self, text: &str) -> char {
        let chars: Vec<char> = text.chars().collect();
        chars[self.below(chars.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

struct University {
    name: String,
    folder: String,
    city: &'static str,
    area_code: &'static str,
}

/// One family record before it is written. `deployment_key` is `deployment`
/// unless an error was injected.
struct Family {
    university: String,
    name: String,
    gender: &'static str,
    hospital: String,
    aided_hospital: String,
    deployment_key: &'static str,
    deployment: Option<&'static str>,
    counts: [usize; 4],
    address: String,
    phone: String,
    elderly_health: Option<&'static str>,
    grades: Vec<&'static str>,
    needs: Vec<u8>,
    needs_summary: Option<String>,
    team: String,
    plan: String,
    approval: (&'static str, String, &'static str),
    visits: Vec<(String, &'static str, &'static str)>,
}

// Indexes into `Family::counts`.
const SIZE: usize = 0;
const IN_HUBEI: usize = 1;
const ELDERLY: usize = 2;
const MINORS: usize = 3;

/// Writes the whole campaign and returns the errors put into it. Rejects an
/// existing `records` folder, because stale files would remain.
pub fn generate(options: &GenerateOptions) -> Result<Vec<InjectedError>, String> {
    let records = options.out.join("records");
    if records.exists() {
        let existing = records.display();
        return Err(format!(
            "{existing} already exists: remove it or choose another --out"
        ));
    }

    let mut rng = Rng(options.seed);
    let universities =
        make_universities(&mut rng, (options.families / 2).clamp(1, MAX_UNIVERSITIES));
    write_file(
        &options.out.join("campaign.yaml"),
        &campaign_yaml(&universities),
    )?;

    let errors = pick_error_families(&mut rng, options.families, options.errors);
    let counts = split_families(&mut rng, options.families, universities.len());
    let mut workers = HashSet::new();
    let mut number = 0;
    let mut injected = Vec::new();

    for (university, families) in universities.iter().zip(counts) {
        let dir = records.join(&university.folder);
        for (team, size) in team_sizes(&mut rng, families).into_iter().enumerate() {
            let team_id = format!("team-{:02}", team + 1);
            write_file(
                &dir.join(format!("teams/{team_id}.yaml")),
                &team_yaml(&mut rng, university),
            )?;
            for _ in 0..size {
                number += 1;
                let mut family = make_family(&mut rng, university, &team_id, &mut workers);
                let file = format!("family-{number:05}.yaml");
                if let Some(&kind) = errors.get(&number) {
                    let key = inject_error(&mut family, kind);
                    injected.push(InjectedError {
                        file: format!("records/{}/{file}", university.folder),
                        key_path: key.to_string(),
                        description: ERRORS[kind].1.to_owned(),
                    });
                }
                write_file(&dir.join(&file), &family_yaml(&family))?;
            }
        }
    }

    Ok(injected)
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|error| format!("failed to create {}: {error}", parent.display()))?;
    }
    fs::write(path, text).map_err(|error| format!("failed to write {}: {error}", path.display()))
}

/// Lists the five universities of the notice (in 郑州), then invented "<city>某某<kind>" names.
fn make_universities(rng: &mut Rng, count: usize) -> Vec<University> {
    let cities: Vec<(&str, &str)> = CITIES
        .split_whitespace()
        .filter_map(|pair| pair.split_once(':'))
        .collect();
    let mut names: Vec<(usize, String)> = NOTICE_UNIVERSITIES
        .split_whitespace()
        .map(|name| (0, name.into()))
        .collect();
    let mut invented: Vec<(usize, String)> = Vec::new();
    for (city, (city_name, _)) in cities.iter().enumerate() {
        invented.extend(
            UNIVERSITY_SUFFIXES
                .split_whitespace()
                .map(|suffix| (city, format!("{city_name}{suffix}"))),
        );
    }
    rng.shuffle(&mut invented);
    names.extend(invented);
    let folders = (1..).map(|number| format!("u{number:03}"));
    let universities = names.into_iter().zip(folders).take(count);
    let build = |((city, name), folder): ((usize, String), String)| University {
        name,
        folder,
        city: cities[city].0,
        area_code: cities[city].1,
    };
    universities.map(build).collect()
}

fn campaign_yaml(universities: &[University]) -> String {
    let mut text = String::from(
        "# Synthetic campaign written by examples/generate_campaign.rs.\n\
         title: 与抗疫一线医务人员家庭手拉手专项志愿服务\nissuer: 团省委疫情防控指挥部\n\
         deadline: 2020-02-20\nvisit_interval_days: 14\nas_of: 2020-03-10\nuniversities:\n",
    );
    for university in universities {
        let _ = writeln!(
            text,
            "  - name: {}\n    folder: {}",
            university.name, university.folder
        );
        if NOTICE_UNIVERSITIES
            .split_whitespace()
            .any(|name| name == university.name)
        {
            text.push_str("    deadline: 2020-02-18\n");
        }
    }
    text
}

/// Maps the number (from 1) of each family that gets an error to the index of that error in `ERRORS`.
fn pick_error_families(rng: &mut Rng, families: usize, errors: usize) -> HashMap<usize, usize> {
    if errors > families {
        eprintln!("note: only {families} errors injected, at most one per family");
    }
    let mut numbers: Vec<usize> = (1..=families).collect();
    rng.shuffle(&mut numbers);
    numbers
        .into_iter()
        .take(errors)
        .enumerate()
        .map(|(i, number)| (number, i % ERRORS.len()))
        .collect()
}

/// Gives every university two families when there are enough, then spreads the rest at random.
fn split_families(rng: &mut Rng, families: usize, universities: usize) -> Vec<usize> {
    let base = if families >= 2 * universities { 2 } else { 1 };
    let mut counts = vec![base; universities];
    for _ in 0..families.saturating_sub(base * universities) {
        counts[rng.below(universities)] += 1;
    }
    counts
}

/// Splits a university's families into teams of 2 or 3. Only a single family makes a team of 1.
fn team_sizes(rng: &mut Rng, mut families: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    while families > 0 {
        let size = match families {
            1..=3 => families,
            4 => 2,
            _ => 2 + rng.below(2),
        };
        sizes.push(size);
        families -= size;
    }
    sizes
}

fn person_name(rng: &mut Rng) -> String {
    let mut name = String::from(rng.character(SURNAMES));
    for _ in 0..1 + rng.below(2) {
        name.push(rng.character(GIVEN_CHARS));
    }
    name
}

fn mobile_phone(rng: &mut Rng) -> String {
    format!(
        "1{}{}0000{:04}",
        [3, 5, 8][rng.below(3)],
        rng.below(10),
        rng.below(10_000)
    )
}

fn team_yaml(rng: &mut Rng, university: &University) -> String {
    let (college, kind, leader) = (rng.word(COLLEGES), rng.word(TEAM_KINDS), person_name(rng));
    let members = 3 + rng.below(6);
    let mut text = format!(
        "university: {}\nname: {college}志愿服务队\nkind: {kind}\nleader:\n  name: {leader}\n  \
         phone: \"{}\"\nmembers: {members}\n",
        university.name,
        mobile_phone(rng),
    );
    // Half of the teams list their roster, the leader first.
    if rng.percent(50) {
        text.push_str("roster:\n");
        for member in 0..members {
            let name = if member == 0 {
                leader.clone()
            } else {
                person_name(rng)
            };
            let (first, second) = (rng.word(SKILLS), rng.word(SKILLS));
            let skills = if first == second {
                first.to_string()
            } else {
                format!("{first}, {second}")
            };
            let _ = writeln!(
                text,
                "  - name: {name}\n    training: 合格\n    skills: [{skills}]"
            );
        }
    }
    text
}

fn make_family(
    rng: &mut Rng,
    university: &University,
    team: &str,
    workers: &mut HashSet<String>,
) -> Family {
    let (name, hospital) = unique_worker(rng, university, workers);
    let deployment = [Some("援鄂"), Some("援鄂"), Some("省内"), Some("本院"), None][rng.below(5)];
    let aided_hospital = match deployment {
        Some("本院") => hospital.clone(),
        Some("省内") => format!(
            "{}市某定点医院",
            rng.word(CITIES).split(':').next().unwrap_or("郑州")
        ),
        _ => rng.word(HUBEI_HOSPITALS).to_string(),
    };
    let in_hubei = if deployment == Some("援鄂") {
        1 + usize::from(rng.percent(10))
    } else {
        0
    };

    let (elderly, minors) = (rng.below(3), rng.below(3));
    // The worker counts once, inside `in_hubei` when deployed there. A spouse at home is optional.
    let size = in_hubei.max(1) + elderly + minors + usize::from(in_hubei < 2 && rng.percent(70));
    let needs = pick_needs(rng, elderly, minors);

    let city = university.city;
    let address = format!(
        "{city}市{}某小区{}号楼{}单元",
        rng.word(ROADS),
        1 + rng.below(30),
        1 + rng.below(4)
    );
    let landline = format!("{}-6000{:04}", university.area_code, rng.below(10_000));
    let signer = format!("{}某", rng.character(SURNAMES));

    Family {
        university: university.name.clone(),
        gender: ["男", "女"][rng.below(2)],
        aided_hospital,
        deployment_key: "deployment",
        deployment,
        counts: [size, in_hubei, elderly, minors],
        address,
        phone: if rng.percent(20) {
            landline
        } else {
            mobile_phone(rng)
        },
        elderly_health: (elderly > 0).then(|| rng.word(HEALTH)),
        grades: pick_grades(rng, minors),
        needs_summary: needs
            .contains(&5)
            .then(|| format!("家庭希望{}。", rng.word(NEED_DETAILS[4]))),
        team: team.to_string(),
        plan: make_plan(rng, &name, &needs),
        approval: (
            rng.word(OPINIONS),
            signer,
            ["2020-02-17", "2020-02-18"][rng.below(2)],
        ),
        visits: make_visits(rng, needs.contains(&4)),
        needs,
        name,
        hospital,
    }
}

/// Draws a worker name and hospital that no earlier family has, as duplicates are an error.
fn unique_worker(
    rng: &mut Rng,
    university: &University,
    workers: &mut HashSet<String>,
) -> (String, String) {
    loop {
        let name = person_name(rng);
        let hospital = match rng.below(3) {
            0 => format!("{}第一附属医院", university.name),
            1 => format!("{}第二附属医院", university.name),
            _ => format!("{}市某人民医院", university.city),
        };
        if workers.insert(format!("{name}\t{hospital}")) {
            return (name, hospital);
        }
    }
}

fn pick_grades(rng: &mut Rng, minors: usize) -> Vec<&'static str> {
    let all: Vec<&'static str> = GRADES.split_whitespace().collect();
    let mut picked: Vec<usize> = (0..minors).map(|_| rng.below(all.len())).collect();
    picked.sort_unstable_by(|a, b| b.cmp(a));
    picked.into_iter().map(|index| all[index]).collect()
}

/// Chooses service codes that raise no warning: 1 only with minors, 3 only with elderly.
fn pick_needs(rng: &mut Rng, elderly: usize, minors: usize) -> Vec<u8> {
    let chances = [
        if minors > 0 { 80 } else { 0 },
        60,
        if elderly > 0 { 70 } else { 0 },
        20,
        15,
    ];
    let mut needs: Vec<u8> = (1..=5)
        .filter(|&code| rng.percent(chances[code as usize - 1]))
        .collect();
    if needs.is_empty() {
        needs.push(2);
    }
    needs
}

/// Builds a Markdown plan of 200 to 600 characters: an intro, one item per need, then closing lines.
fn make_plan(rng: &mut Rng, name: &str, needs: &[u8]) -> String {
    let target = 200 + rng.below(401);
    let mut plan = format!("{name}{}\n\n", rng.word(INTROS));
    for &code in needs {
        let index = usize::from(code - 1);
        let detail = rng.word(NEED_DETAILS[index]);
        let closing = NEED_CLOSINGS
            .split_whitespace()
            .nth(index)
            .unwrap_or_default();
        let _ = writeln!(plan, "- **{}**：{detail}，{closing}；", NEED_LABELS[index]);
    }
    plan.push('\n');
    let mut extras: Vec<&str> = EXTRA_LINES.split_whitespace().collect();
    rng.shuffle(&mut extras);
    for line in extras {
        let length = plan.chars().count();
        if length >= target || length + line.chars().count() > 600 {
            break;
        }
        plan.push_str(line);
        plan.push('\n');
    }
    plan
}

/// Returns 0 to 3 visits on distinct days from 2020-02-20 to 2020-03-08, oldest first.
fn make_visits(rng: &mut Rng, offline: bool) -> Vec<(String, &'static str, &'static str)> {
    let mut days: Vec<usize> = (0..rng.below(4)).map(|_| rng.below(18)).collect();
    days.sort_unstable();
    days.dedup();
    let visit = |day: usize| {
        let date = if day < 10 {
            format!("2020-02-{}", 20 + day)
        } else {
            format!("2020-03-{:02}", day - 9)
        };
        let mode = if offline && rng.percent(50) {
            "线下"
        } else {
            "线上"
        };
        (date, mode, rng.word(NOTES))
    };
    days.into_iter().map(visit).collect()
}

/// Applies error `kind` of `ERRORS` to `family` and returns its key path.
fn inject_error(family: &mut Family, kind: usize) -> String {
    match kind {
        0 => family.phone = "1380000123".into(),
        1 => family.gender = "未知",
        2 => family.grades.push("小学一年级"),
        3 => family.team = "team-00".into(),
        4 => {
            family.needs.push(6);
            return format!("needs.{}", family.needs.len() - 1);
        }
        5 => {
            family.needs.retain(|&code| code != 5);
            family.needs.push(5);
            family.needs_summary = None;
        }
        6 => family.approval.2 = "2020-02-30",
        7 => {
            make_room_for_elderly(family);
            family.elderly_health = None;
        }
        8 => {
            make_room_for_elderly(family);
            let [size, _, elderly, minors] = family.counts;
            family.counts[IN_HUBEI] = size + 1 - elderly - minors;
        }
        _ => {
            family.deployment_key = "deploymnet";
            family.deployment.get_or_insert("援鄂");
        }
    }
    ERRORS[kind].0.to_string()
}

/// Ensures at least one elderly person, growing the household when the counts would exceed it.
fn make_room_for_elderly(family: &mut Family) {
    if family.counts[ELDERLY] == 0 {
        family.counts[ELDERLY] = 1;
        family.elderly_health = Some("身体健康");
        if family.counts[IN_HUBEI] + 1 + family.counts[MINORS] > family.counts[SIZE] {
            family.counts[SIZE] += 1;
        }
    }
}

/// Appends `key: |` and `value` as a literal block scalar indented under it.
fn push_block(text: &mut String, key: &str, value: &str) {
    let _ = writeln!(text, "{key}: |");
    for line in value.trim_end().lines() {
        if line.is_empty() {
            text.push('\n');
        } else {
            let _ = writeln!(text, "  {line}");
        }
    }
}

fn family_yaml(family: &Family) -> String {
    let [size, in_hubei, elderly, minors] = family.counts;
    let mut text = format!(
        "university: {}\nworker:\n  name: {}\n  gender: {}\n  hospital: {}\n  aided_hospital: {}\n",
        family.university, family.name, family.gender, family.hospital, family.aided_hospital
    );
    if let Some(deployment) = family.deployment {
        let _ = writeln!(text, "  {}: {deployment}", family.deployment_key);
    }

    let _ = writeln!(
        text,
        "family:\n  size: {size}\n  in_hubei: {in_hubei}\n  address: {}\n  phone: \"{}\"\n  elderly: {elderly}",
        family.address, family.phone
    );
    if let Some(health) = family.elderly_health {
        let _ = writeln!(text, "  elderly_health: {health}");
    }
    let _ = writeln!(
        text,
        "  minors: {minors}\n  grades: [{}]",
        family.grades.join(", ")
    );

    let needs: Vec<String> = family.needs.iter().map(u8::to_string).collect();
    let _ = writeln!(text, "needs: [{}]", needs.join(", "));
    if let Some(summary) = &family.needs_summary {
        push_block(&mut text, "needs_summary", summary);
    }
    let _ = writeln!(text, "team: {}", family.team);
    push_block(&mut text, "plan", &family.plan);
    if family.needs.contains(&4) {
        push_block(&mut text, "offline", OFFLINE_TEXT);
    }

    let (opinion, signer, date) = &family.approval;
    let _ = writeln!(
        text,
        "approval:\n  opinion: {opinion}\n  signer: {signer}\n  date: {date}"
    );
    if !family.visits.is_empty() {
        text.push_str("visits:\n");
        for (date, mode, note) in &family.visits {
            let _ = writeln!(text, "  - date: {date}\n    mode: {mode}\n    note: {note}");
        }
    }
    text
}
