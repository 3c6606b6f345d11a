use shoulashou::load::{LoadOptions, load};
fn s(x: &String) -> usize {
    x.capacity()
}
fn o(x: &Option<String>) -> usize {
    x.as_ref().map_or(0, |x| x.capacity())
}
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let loaded = load(&LoadOptions {
        records: dir.join("records"),
        campaign: Some(dir.join("campaign.yaml")),
        as_of: None,
    })
    .unwrap();
    let mut heap = 0usize;
    for f in &loaded.families {
        heap += s(&f.university)
            + s(&f.worker.name)
            + s(&f.worker.gender)
            + s(&f.worker.hospital)
            + s(&f.worker.aided_hospital)
            + o(&f.worker.deployment);
        heap += s(&f.household.address)
            + s(&f.household.phone)
            + o(&f.household.elderly_health)
            + f.household.grades.iter().map(s).sum::<usize>()
            + f.household.grades.capacity() * 24;
        heap += f.needs.capacity() + o(&f.needs_summary) + s(&f.team) + s(&f.plan) + o(&f.offline);
        heap += f
            .approval
            .as_ref()
            .map_or(0, |a| s(&a.opinion) + s(&a.signer));
        heap += f.visits.capacity() * std::mem::size_of::<shoulashou::record::Visit>()
            + f.visits
                .iter()
                .map(|v| s(&v.mode) + o(&v.note))
                .sum::<usize>();
        heap += f.source.path.capacity() + s(&f.source.id);
    }
    let plan: usize = loaded.families.iter().map(|f| f.plan.len()).sum();
    println!(
        "families {} inline {} heap {} plan {}",
        loaded.families.len(),
        loaded.families.len() * std::mem::size_of::<shoulashou::record::Family>(),
        heap,
        plan
    );
    let d: usize = loaded
        .diagnostics
        .iter()
        .map(|d| d.key_path.capacity() + d.file.capacity() + 400)
        .sum();
    println!(
        "diagnostics {} ~{} size_of {}",
        loaded.diagnostics.len(),
        d,
        std::mem::size_of::<shoulashou::diagnostic::Diagnostic>()
    );
    println!("sources {}", loaded.sources.len());
}
