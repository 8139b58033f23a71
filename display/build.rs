fn main() {
    slint_build::compile("ui/board.slint").expect("the board's Slint file compiles");
}
