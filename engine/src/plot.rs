//! Figures a researcher would otherwise draw by hand: survival curves with confidence bands
//! and a number-at-risk table, and indicator values by group with their intervals — as SVG
//! or PNG (chosen by the file extension), written atomically.
//!
//! Text is drawn with DejaVu Sans, embedded (engine/assets), so figures look the same on any
//! machine and need no system fonts.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use impatto_indicators::stats::KmStep;
use impatto_indicators::study::Estimate;
use impatto_indicators::study::survival::Stratum;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // The embedded file is a valid font; a failure here would only mean plain boxes for text.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn fail(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing: {e}"))
}

/// Picture formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    /// Scalable vector graphics.
    Svg,
    /// Portable network graphics.
    Png,
}

/// The format implied by a file name, or an error naming the expected extensions.
pub fn picture_of(path: &Path) -> Result<Picture> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("svg") => Ok(Picture::Svg),
        Some("png") => Ok(Picture::Png),
        other => Err(Error::Request(format!(
            "{}: expected a .svg or .png file name, found extension {:?}",
            path.display(),
            other.unwrap_or("")
        ))),
    }
}

/// Draw with the backend the extension asks for, into a temporary file renamed into place.
fn draw_to(
    path: &Path,
    size: (u32, u32),
    draw: impl Fn(&DrawingArea<SVGBackend, Shift>) -> Result<()>,
    draw_png: impl Fn(&DrawingArea<BitMapBackend, Shift>) -> Result<()>,
) -> Result<()> {
    register_font();
    let picture = picture_of(path)?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let ext = if picture == Picture::Svg { "svg" } else { "png" };
    let tmp = dir.join(format!(".impatto-plot-{}.{ext}", std::process::id()));
    // The backends report a file they cannot write only when presenting, without the path: try
    // the file first, and name the output when presenting fails.
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    std::fs::File::create(&tmp).map_err(io)?;
    let result = match picture {
        Picture::Svg => {
            let root = SVGBackend::new(&tmp, size).into_drawing_area();
            draw(&root).and_then(|_| root.present().map_err(|e| io(std::io::Error::other(e.to_string()))))
        }
        Picture::Png => {
            let root = BitMapBackend::new(&tmp, size).into_drawing_area();
            draw_png(&root).and_then(|_| root.present().map_err(|e| io(std::io::Error::other(e.to_string()))))
        }
    };
    match result {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|source| Error::Io { path: path.to_path_buf(), source }),
        Err(e) => {
            std::fs::remove_file(&tmp).ok();
            Err(e)
        }
    }
}

/// Step-function points of a curve: (0, first) then each change at its time.
fn steps(curve: &[KmStep], value: impl Fn(&KmStep) -> Option<f64>, start: f64) -> Vec<(f64, f64)> {
    let mut out = vec![(0.0, start)];
    let mut last = start;
    for k in curve {
        let v = value(k).unwrap_or(last);
        out.push((k.time, last));
        out.push((k.time, v));
        last = v;
    }
    out
}

fn survival_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    strata: &[Stratum],
    time_label: &str,
    title: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(fail)?;
    let rows = strata.len() as u32;
    let (h, _) = (root.dim_in_pixel().1, 0);
    let table_height = 40 + 22 * rows;
    let (top, bottom) = root.split_vertically(h.saturating_sub(table_height));
    let t_max = strata.iter().flat_map(|s| s.curve.iter().map(|k| k.time)).fold(0.0_f64, f64::max).max(1.0);
    let mut chart = ChartBuilder::on(&top)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(120)
        .build_cartesian_2d(0.0..t_max, 0.0..1.02)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_desc(time_label)
        .y_desc("survival probability")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(fail)?;
    for (i, s) in strata.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let upper = steps(&s.curve, |k| k.upper, 1.0);
        let mut band = steps(&s.curve, |k| k.lower, 1.0);
        band.reverse();
        let polygon: Vec<(f64, f64)> = upper.into_iter().chain(band).collect();
        chart.draw_series(std::iter::once(Polygon::new(polygon, color.mix(0.15).filled()))).map_err(fail)?;
        chart
            .draw_series(LineSeries::new(steps(&s.curve, |k| Some(k.surv), 1.0), color.stroke_width(2)))
            .map_err(fail)?
            .label(s.name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(fail)?;
    // Number-at-risk table under the x axis, at five evenly spaced times.
    let ticks: Vec<f64> = (0..5).map(|i| t_max * f64::from(i) / 4.0).collect();
    let (w, _) = bottom.dim_in_pixel();
    let plot_left = 12 + 120;
    let plot_width = w.saturating_sub(plot_left + 12) as f64;
    let style = ("sans-serif", 14).into_font().color(&BLACK);
    bottom.draw(&Text::new("number at risk", (12, 6), style.clone())).map_err(fail)?;
    for (r, s) in strata.iter().enumerate() {
        let y = 26 + 22 * r as i32;
        bottom
            .draw(&Text::new(s.name.clone(), (12, y), ("sans-serif", 14).into_font().color(&Palette99::pick(r))))
            .map_err(fail)?;
        for t in &ticks {
            let n: u64 = s.curve.iter().filter(|k| k.time >= *t).map(|k| k.n_event + k.n_censor).sum();
            let x = (plot_left as i32 + (plot_width * t / t_max) as i32 - 8).min(w as i32 - 36);
            bottom.draw(&Text::new(n.to_string(), (x, y), style.clone())).map_err(fail)?;
        }
    }
    Ok(())
}

/// Kaplan-Meier curves with confidence bands and the number at risk.
pub fn survival(path: &Path, strata: &[Stratum], time_label: &str, title: &str) -> Result<()> {
    let size = (900, 560 + 22 * strata.len() as u32);
    draw_to(
        path,
        size,
        |root| survival_chart(root, strata, time_label, title),
        |root| survival_chart(root, strata, time_label, title),
    )
}

/// One bar of an indicator chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Group label.
    pub label: String,
    /// Value (None: suppressed or undefined — drawn as an empty slot).
    pub value: Option<f64>,
    /// Interval.
    pub interval: Option<(f64, f64)>,
}

fn bar_chart<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, bars: &[Bar], title: &str, unit: &str) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(fail)?;
    let top = bars.iter().flat_map(|b| [b.value, b.interval.map(|i| i.1)]).flatten().fold(0.0_f64, f64::max).max(1e-9) * 1.1;
    let n = bars.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..n as f64, 0.0..top)
        .map_err(fail)?;
    chart.configure_mesh().disable_x_mesh().x_labels(0).y_desc(unit).draw().map_err(fail)?;
    // Group names under each bar, placed in pixels (the x axis itself is just slots).
    let label_style = ("sans-serif", 13).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    for (i, b) in bars.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(b.label.clone(), (px, py + 8), label_style.clone())).map_err(fail)?;
    }
    let color = Palette99::pick(0).to_rgba();
    for (i, b) in bars.iter().enumerate() {
        let x = i as f64;
        if let Some(v) = b.value {
            chart
                .draw_series(std::iter::once(Rectangle::new([(x + 0.15, 0.0), (x + 0.85, v)], color.mix(0.7).filled())))
                .map_err(fail)?;
        } else {
            chart
                .draw_series(std::iter::once(Text::new("suppressed", (x + 0.2, top * 0.05), ("sans-serif", 12).into_font())))
                .map_err(fail)?;
        }
        if let Some((lo, hi)) = b.interval {
            let mid = x + 0.5;
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(mid, lo), (mid, hi)], BLACK.stroke_width(2))))
                .map_err(fail)?;
            for y in [lo, hi] {
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(mid - 0.1, y), (mid + 0.1, y)], BLACK.stroke_width(2))))
                    .map_err(fail)?;
            }
        }
    }
    Ok(())
}

/// Indicator values by group, with interval whiskers.
pub fn bars(path: &Path, bars: &[Bar], title: &str, unit: &str) -> Result<()> {
    draw_to(path, (900, 560), |root| bar_chart(root, bars, title, unit), |root| bar_chart(root, bars, title, unit))
}

fn coefficient_chart<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, estimates: &[Estimate], title: &str) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(fail)?;
    let lo = estimates.iter().map(|e| e.ci_low.unwrap_or(e.estimate)).fold(0.0_f64, f64::min);
    let hi = estimates.iter().map(|e| e.ci_high.unwrap_or(e.estimate)).fold(0.0_f64, f64::max);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let n = estimates.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..n, (lo - pad)..(hi + pad))
        .map_err(fail)?;
    chart.configure_mesh().disable_x_mesh().x_labels(0).y_desc("coefficient").draw().map_err(fail)?;
    chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (n, 0.0)], BLACK.mix(0.5)))).map_err(fail)?;
    let color = Palette99::pick(0).to_rgba();
    let label_style = ("sans-serif", 13).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    for (i, e) in estimates.iter().enumerate() {
        let x = i as f64 + 0.5;
        if let (Some(l), Some(h)) = (e.ci_low, e.ci_high) {
            chart.draw_series(std::iter::once(PathElement::new(vec![(x, l), (x, h)], color.stroke_width(2)))).map_err(fail)?;
        }
        chart.draw_series(std::iter::once(Circle::new((x, e.estimate), 5, color.filled()))).map_err(fail)?;
        let (px, py) = chart.backend_coord(&(x, lo - pad));
        root.draw(&Text::new(e.term.clone(), (px, py + 8), label_style.clone())).map_err(fail)?;
    }
    Ok(())
}

/// Coefficients with interval whiskers and a zero line (event studies).
pub fn coefficients(path: &Path, estimates: &[Estimate], title: &str) -> Result<()> {
    draw_to(path, (900, 520), |root| coefficient_chart(root, estimates, title), |root| coefficient_chart(root, estimates, title))
}
