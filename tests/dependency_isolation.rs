//! Users who depend on one vendor crate pay for that vendor only: no other vendor's crate,
//! no generator crates, and no OpenSSL under the default features.

use std::process::Command;

fn normal_dependencies(package: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            package,
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

fn assert_isolated(package: &str, other_vendors: &[&str]) {
    let deps = normal_dependencies(package);
    assert!(
        deps.iter().any(|d| d == "rtc-usage-core"),
        "{package} uses the runtime"
    );
    let forbidden = [
        "openssl",
        "openssl-sys",
        "native-tls",
        "schemars",
        "typify",
        "typify-impl",
    ];
    for dep in &deps {
        assert!(
            !other_vendors.contains(&dep.as_str()) && !forbidden.contains(&dep.as_str()),
            "{package} depends on {dep}"
        );
    }
}

/// Every vendor crate of the registry, one `cargo tree` each: a vendor added through specs is
/// checked with no edit here.
#[test]
fn every_vendor_crate_stands_alone() {
    let crates: Vec<String> = rtc_usage::Vendor::all()
        .map(|v| format!("rtc-usage-{}", v.id()))
        .collect();
    assert!(crates.len() >= 3, "{crates:?}");
    for package in &crates {
        let others: Vec<&str> = crates
            .iter()
            .filter(|c| *c != package)
            .map(String::as_str)
            .collect();
        assert_isolated(package, &others);
    }
}

/// The history store keeps what a facade fetched: it brings no vendor crate of its own (the
/// caller's facade features choose them), so depending on it adds no vendor's code.
#[test]
fn the_store_brings_no_vendor() {
    let vendors: Vec<String> = rtc_usage::Vendor::all()
        .map(|v| format!("rtc-usage-{}", v.id()))
        .collect();
    let deps = normal_dependencies("rtc-usage-store");
    assert!(deps.iter().any(|d| d == "rtc-usage"), "{deps:?}");
    let brought: Vec<&String> = deps.iter().filter(|d| vendors.contains(d)).collect();
    assert!(brought.is_empty(), "rtc-usage-store depends on {brought:?}");
}
