//! The window's icon: the same picture the desktop entry names
//! (packaging/linux/icons), embedded so a window started from a build tree
//! shows it too.

use eframe::egui;

/// The 128 px rendering of packaging/linux/icons/cardguard.svg. Not the
/// 256 px one: on X11 that is 65 538 words, over the core protocol's
/// request limit, and the icon was dropped unless the server's big-request
/// extension happened to be ready (seen under Xvfb: 1 start in 3 had one).
pub const ICON_PNG: &[u8] = include_bytes!(
    "../../packaging/linux/icons/hicolor/128x128/apps/io.github.cardguard.CardGuard.png"
);

/// The icon as the window wants it (RGBA), or `None` if it cannot be read
/// (then the platform's default icon shows; nothing else depends on it).
pub fn window_icon() -> Option<egui::IconData> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(ICON_PNG));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        _ => return None,
    };
    Some(egui::IconData {
        rgba,
        width: info.width,
        height: info.height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_icon_is_the_packaged_picture() {
        let icon = window_icon().expect("the embedded icon decodes");
        assert_eq!((icon.width, icon.height), (128, 128));
        assert_eq!(icon.rgba.len(), 128 * 128 * 4);
        let at = |x: usize, y: usize| {
            let (x, y) = (x / 2, y / 2);
            let i = (y * 128 + x) * 4;
            [
                icon.rgba[i],
                icon.rgba[i + 1],
                icon.rgba[i + 2],
                icon.rgba[i + 3],
            ]
        };
        // The corner is transparent (a rounded square), the middle of the
        // shield is its amber, the field is the blue.
        assert_eq!(at(0, 0)[3], 0);
        assert_eq!(at(20, 200), [0x1d, 0x5f, 0xbf, 255]);
        let amber = at(205, 185);
        assert!(amber[0] > 200 && amber[2] < 60, "{amber:?}");
    }
}
