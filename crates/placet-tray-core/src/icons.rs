//! Tray icons drawn at run time: one per connection state, and the pending count drawn
//! into the icon as a badge (so the count shows even where trays have no text).

/// What the tray icon shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayLook {
    SignedOut,
    /// Connecting, reconnecting or offline.
    Offline,
    /// Connected, nothing pending.
    Idle,
    /// Connected with this many reviews waiting.
    Pending(usize),
    /// Connected with this many reviews waiting, the oldest longer than the person's
    /// threshold: the badge turns dark red with a yellow ring.
    Overdue(usize),
}

/// Side of the square icon, in pixels.
pub const SIZE: u32 = 64;

// The body's colours read on light and dark panels alike (at least 3:1 against both, as
// WCAG asks of non-text; the white glyph at least 3:1 against them): one icon for every
// panel, checked by `reads_on_light_and_dark_panels`.
const INDIGO: [u8; 3] = [0x63, 0x66, 0xf1];
const GREY: [u8; 3] = [0x6b, 0x72, 0x80];
const AMBER: [u8; 3] = [0xd4, 0x6b, 0x08];
const RED: [u8; 3] = [0xdc, 0x26, 0x26];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];
const DARK_RED: [u8; 3] = [0x7f, 0x1d, 0x1d];
const YELLOW: [u8; 3] = [0xfa, 0xcc, 0x15];

/// Straight RGBA pixels of the icon, `SIZE`×`SIZE`.
pub fn render(look: TrayLook) -> Vec<u8> {
    let mut c = Canvas::new(SIZE);
    let s = SIZE as f32;
    let body = match look {
        TrayLook::SignedOut => GREY,
        TrayLook::Offline => AMBER,
        TrayLook::Idle | TrayLook::Pending(_) | TrayLook::Overdue(_) => INDIGO,
    };
    c.rounded_rect(2.0, 2.0, s - 2.0, s - 2.0, 12.0, body);
    match look {
        TrayLook::SignedOut => {
            // An empty ring: nobody is listening.
            c.ring(s / 2.0, s / 2.0, 14.0, 5.0, WHITE);
        }
        TrayLook::Offline => {
            // A broken link: two dots with a gap.
            c.disc(s * 0.32, s / 2.0, 7.0, WHITE);
            c.disc(s * 0.68, s / 2.0, 7.0, WHITE);
        }
        TrayLook::Idle | TrayLook::Pending(_) | TrayLook::Overdue(_) => {
            c.line(s * 0.26, s * 0.52, s * 0.43, s * 0.69, 6.0, WHITE);
            c.line(s * 0.43, s * 0.69, s * 0.76, s * 0.32, 6.0, WHITE);
        }
    }
    let badge = match look {
        TrayLook::Pending(n) => Some((n, WHITE, RED)),
        TrayLook::Overdue(n) => Some((n, YELLOW, DARK_RED)),
        _ => None,
    };
    if let Some((n, ring, fill)) = badge {
        let text = if n > 99 {
            "99+".to_owned()
        } else {
            n.to_string()
        };
        let r = if text.len() > 1 { 19.0 } else { 15.0 };
        let (cx, cy) = (s - r - 1.0, r + 1.0);
        c.disc(cx, cy, r + 2.0, ring);
        c.disc(cx, cy, r, fill);
        c.text(&text, cx, cy, if text.len() > 2 { 2.0 } else { 3.0 }, WHITE);
    }
    c.finish()
}

/// A 4× supersampled canvas, averaged down for smooth edges.
struct Canvas {
    size: u32,
    px: Vec<[f32; 4]>,
}

const SS: u32 = 4;

impl Canvas {
    fn new(size: u32) -> Self {
        Self {
            size,
            px: vec![[0.0; 4]; (size * SS * size * SS) as usize],
        }
    }

    fn fill(&mut self, inside: impl Fn(f32, f32) -> bool, rgb: [u8; 3]) {
        let n = self.size * SS;
        for y in 0..n {
            for x in 0..n {
                let (fx, fy) = ((x as f32 + 0.5) / SS as f32, (y as f32 + 0.5) / SS as f32);
                if inside(fx, fy) {
                    self.px[(y * n + x) as usize] = [
                        rgb[0] as f32 / 255.0,
                        rgb[1] as f32 / 255.0,
                        rgb[2] as f32 / 255.0,
                        1.0,
                    ];
                }
            }
        }
    }

    fn rounded_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, r: f32, rgb: [u8; 3]) {
        self.fill(
            |x, y| {
                let cx = x.clamp(x0 + r, x1 - r);
                let cy = y.clamp(y0 + r, y1 - r);
                x >= x0
                    && x <= x1
                    && y >= y0
                    && y <= y1
                    && (x - cx).powi(2) + (y - cy).powi(2) <= r * r
            },
            rgb,
        );
    }

    fn disc(&mut self, cx: f32, cy: f32, r: f32, rgb: [u8; 3]) {
        self.fill(|x, y| (x - cx).powi(2) + (y - cy).powi(2) <= r * r, rgb);
    }

    fn ring(&mut self, cx: f32, cy: f32, r: f32, w: f32, rgb: [u8; 3]) {
        self.fill(
            |x, y| {
                let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
                d <= r && d >= r - w
            },
            rgb,
        );
    }

    fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, w: f32, rgb: [u8; 3]) {
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len2 = dx * dx + dy * dy;
        self.fill(
            |x, y| {
                let t = (((x - x0) * dx + (y - y0) * dy) / len2).clamp(0.0, 1.0);
                let (px, py) = (x0 + t * dx, y0 + t * dy);
                (x - px).powi(2) + (y - py).powi(2) <= (w / 2.0).powi(2)
            },
            rgb,
        );
    }

    /// Draws digits (and `+`) from a 3×5 pixel font, centred, each font pixel `scale`
    /// icon pixels wide.
    fn text(&mut self, text: &str, cx: f32, cy: f32, scale: f32, rgb: [u8; 3]) {
        let glyphs: Vec<[u8; 5]> = text.chars().filter_map(glyph).collect();
        let w = (glyphs.len() as f32 * 4.0 - 1.0) * scale;
        let h = 5.0 * scale;
        let (x0, y0) = (cx - w / 2.0, cy - h / 2.0);
        for (i, g) in glyphs.iter().enumerate() {
            let gx = x0 + i as f32 * 4.0 * scale;
            self.fill(
                |x, y| {
                    let col = ((x - gx) / scale).floor();
                    let row = ((y - y0) / scale).floor();
                    (0.0..3.0).contains(&col)
                        && (0.0..5.0).contains(&row)
                        && g[row as usize] & (0b100 >> col as u8) != 0
                },
                rgb,
            );
        }
    }

    fn finish(self) -> Vec<u8> {
        let n = self.size * SS;
        let mut out = Vec::with_capacity((self.size * self.size * 4) as usize);
        for y in 0..self.size {
            for x in 0..self.size {
                let mut acc = [0.0f32; 4];
                for sy in 0..SS {
                    for sx in 0..SS {
                        let p = self.px[((y * SS + sy) * n + x * SS + sx) as usize];
                        // Premultiply while averaging so edges do not darken.
                        acc[0] += p[0] * p[3];
                        acc[1] += p[1] * p[3];
                        acc[2] += p[2] * p[3];
                        acc[3] += p[3];
                    }
                }
                let a = acc[3] / (SS * SS) as f32;
                let un = |v: f32| {
                    if acc[3] > 0.0 {
                        (v / acc[3] * 255.0).round() as u8
                    } else {
                        0
                    }
                };
                out.extend_from_slice(&[
                    un(acc[0]),
                    un(acc[1]),
                    un(acc[2]),
                    (a * 255.0).round() as u8,
                ]);
            }
        }
        out
    }
}

/// Rows of a 3×5 glyph, high bit on the left.
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '+' => [0b000, 0b010, 0b111, 0b010, 0b000],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_count_draws_a_distinct_icon() {
        let looks = [
            TrayLook::SignedOut,
            TrayLook::Offline,
            TrayLook::Idle,
            TrayLook::Pending(1),
            TrayLook::Pending(7),
            TrayLook::Pending(42),
            TrayLook::Pending(250),
            TrayLook::Overdue(1),
            TrayLook::Overdue(42),
        ];
        let icons: Vec<Vec<u8>> = looks.iter().map(|l| render(*l)).collect();
        for (i, a) in icons.iter().enumerate() {
            assert_eq!(a.len(), (SIZE * SIZE * 4) as usize);
            for b in &icons[i + 1..] {
                assert_ne!(a, b, "two states look the same");
            }
        }
        assert_eq!(
            render(TrayLook::Pending(100)),
            render(TrayLook::Pending(250)),
            "99+ caps"
        );
    }

    /// WCAG's relative luminance of an sRGB colour.
    fn luminance(rgb: [u8; 3]) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    }

    fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// The colour of the rendered icon at (x, y).
    fn pixel(icon: &[u8], x: u32, y: u32) -> [u8; 3] {
        let i = ((y * SIZE + x) * 4) as usize;
        assert_eq!(icon[i + 3], 255, "({x}, {y}) is opaque");
        [icon[i], icon[i + 1], icon[i + 2]]
    }

    /// Each state's body stands out from a light panel (GNOME's light style, XFCE) and a
    /// dark one (a dark theme's panel, GNOME's black top bar), and its glyph from the
    /// body, by at least 3:1; read from the rendered pixels.
    #[test]
    fn reads_on_light_and_dark_panels() {
        let panels = [[0xf6, 0xf5, 0xf4], [0x24, 0x24, 0x24], [0, 0, 0], [0xff; 3]];
        // A body pixel clear of the glyph and the badge, and one on the glyph.
        let looks = [
            (TrayLook::SignedOut, (43, 32)),
            (TrayLook::Offline, (20, 32)),
            (TrayLook::Idle, (22, 38)),
        ];
        for (look, glyph_at) in looks {
            let icon = render(look);
            let body = pixel(&icon, 10, 54);
            for panel in panels {
                let c = contrast(body, panel);
                assert!(c >= 3.0, "{look:?} on {panel:?}: {c:.2}:1");
            }
            let c = contrast(pixel(&icon, glyph_at.0, glyph_at.1), body);
            assert!(c >= 3.0, "{look:?}'s glyph: {c:.2}:1");
        }
    }
}
