// `sqlx::migrate!` embeds `migrations/` and `migrations-postgres/` at compile time: rebuild
// when a file of either is added or changed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=migrations-postgres");
}
