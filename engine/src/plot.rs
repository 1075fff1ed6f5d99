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

/// Okabe & Ito's colour-blind-safe palette (blue, vermillion, bluish green, orange, sky blue,
/// reddish purple), the one the HTML report uses: curves stay apart for every kind of colour
/// vision, where red against green does not.
const OKABE_ITO: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xCC, 0x79, 0xA7),
];

fn colour(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// The words a figure draws besides its data, in the reader's language (engine/i18n).
#[derive(Clone, Debug)]
pub struct Words {
    /// Survival y axis.
    pub survival_probability: String,
    /// Heading of the number-at-risk table.
    pub number_at_risk: String,
    /// Legend of the censoring marks.
    pub censored: String,
    /// A withheld bar.
    pub withheld: String,
    /// Event-study y axis.
    pub coefficient: String,
    /// Label of the event study's reference period.
    pub reference: String,
    /// A margin's empty group value: the whole.
    pub all: String,
}

impl Words {
    /// The words in `t`'s language.
    pub fn new(t: &crate::i18n::Texts) -> Words {
        let w = |id: &str| t.get(id, &[]);
        Words {
            survival_probability: w("plot-survival-probability"),
            number_at_risk: w("plot-number-at-risk"),
            censored: w("plot-censored"),
            withheld: w("report-withheld"),
            coefficient: w("plot-coefficient"),
            reference: w("plot-reference"),
            all: w("plot-all"),
        }
    }
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
    words: &Words,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(fail)?;
    let rows = strata.len() as u32;
    let h = root.dim_in_pixel().1;
    let table_height = 62 + 22 * rows;
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
        .y_desc(&words.survival_probability)
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(fail)?;
    for (i, s) in strata.iter().enumerate() {
        let color = colour(i).to_rgba();
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
        // A mark where someone left observation without the event, on the curve (as R's
        // survminer and lifelines draw them): the reader sees where the curve rests on few.
        let marks: Vec<(f64, f64)> = s.curve.iter().filter(|k| k.n_censor > 0).map(|k| (k.time, k.surv)).collect();
        chart.draw_series(marks.into_iter().map(|p| Cross::new(p, 3, color.stroke_width(1)))).map_err(fail)?;
    }
    chart
        .draw_series(std::iter::empty::<Cross<(f64, f64), i32>>())
        .map_err(fail)?
        .label(&words.censored)
        .legend(|(x, y)| Cross::new((x + 9, y), 3, BLACK.stroke_width(1)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(fail)?;
    // Number-at-risk table under the x axis, at five evenly spaced times, with those times above.
    let ticks: Vec<f64> = (0..5).map(|i| t_max * f64::from(i) / 4.0).collect();
    let (w, _) = bottom.dim_in_pixel();
    let plot_left = 12 + 120;
    let plot_width = w.saturating_sub(plot_left + 12) as f64;
    let style = ("sans-serif", 14).into_font().color(&BLACK);
    let column = |t: f64| (plot_left as i32 + (plot_width * t / t_max) as i32 - 8).min(w as i32 - 36);
    bottom.draw(&Text::new(words.number_at_risk.clone(), (12, 6), style.clone())).map_err(fail)?;
    bottom.draw(&Text::new(time_label.to_string(), (12, 28), style.clone())).map_err(fail)?;
    for t in &ticks {
        bottom.draw(&Text::new(trim(*t), (column(*t), 28), style.clone())).map_err(fail)?;
    }
    for (r, s) in strata.iter().enumerate() {
        let y = 50 + 22 * r as i32;
        bottom.draw(&Text::new(s.name.clone(), (12, y), ("sans-serif", 14).into_font().color(&colour(r)))).map_err(fail)?;
        for t in &ticks {
            let n: u64 = s.curve.iter().filter(|k| k.time >= *t).map(|k| k.n_event + k.n_censor).sum();
            bottom.draw(&Text::new(n.to_string(), (column(*t), y), style.clone())).map_err(fail)?;
        }
    }
    Ok(())
}

/// A time as people write it: `52`, `13.5`.
fn trim(t: f64) -> String {
    if t.fract() == 0.0 { format!("{t:.0}") } else { format!("{t:.1}") }
}

/// Kaplan-Meier curves with confidence bands, censoring marks and the number at risk at five
/// labelled times. `time_label` names the time axis and its unit (the column, e.g. `week`).
pub fn survival(path: &Path, strata: &[Stratum], time_label: &str, title: &str, words: &Words) -> Result<()> {
    let size = (900, 580 + 22 * strata.len() as u32);
    draw_to(
        path,
        size,
        |root| survival_chart(root, strata, time_label, title, words),
        |root| survival_chart(root, strata, time_label, title, words),
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

fn bar_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bars: &[Bar],
    title: &str,
    unit: &str,
    words: &Words,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(fail)?;
    let right = bars.iter().flat_map(|b| [b.value, b.interval.map(|i| i.1)]).flatten().fold(0.0_f64, f64::max).max(1e-9) * 1.1;
    let n = bars.len().max(1);
    // Groups on the vertical axis, one per line, so long and combined labels stay readable.
    let longest = bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(0) as u32;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size((longest * 8 + 16).clamp(60, 420))
        .build_cartesian_2d(0.0..right, 0.0..n as f64)
        .map_err(fail)?;
    chart.configure_mesh().disable_y_mesh().y_labels(0).x_desc(unit).draw().map_err(fail)?;
    let label_style = ("sans-serif", 13).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Right,
        plotters::style::text_anchor::VPos::Center,
    ));
    let color = colour(0).to_rgba();
    for (i, b) in bars.iter().enumerate() {
        // The first bar at the top, as a table reads.
        let y = (n - 1 - i) as f64;
        let (px, py) = chart.backend_coord(&(0.0, y + 0.5));
        root.draw(&Text::new(b.label.clone(), (px - 8, py), label_style.clone())).map_err(fail)?;
        if let Some(v) = b.value {
            chart
                .draw_series(std::iter::once(Rectangle::new([(0.0, y + 0.2), (v, y + 0.8)], color.mix(0.8).filled())))
                .map_err(fail)?;
        } else {
            let style = ("sans-serif", 12).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            ));
            chart
                .draw_series(std::iter::once(Text::new(words.withheld.clone(), (right * 0.01, y + 0.5), style)))
                .map_err(fail)?;
        }
        if let Some((lo, hi)) = b.interval {
            let mid = y + 0.5;
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(lo, mid), (hi, mid)], BLACK.stroke_width(2))))
                .map_err(fail)?;
            for x in [lo, hi] {
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(x, mid - 0.12), (x, mid + 0.12)], BLACK.stroke_width(2))))
                    .map_err(fail)?;
            }
        }
    }
    Ok(())
}

/// Indicator values by group as horizontal bars with interval whiskers, the first group on top;
/// the picture grows with the number of bars.
pub fn bars(path: &Path, bars: &[Bar], title: &str, unit: &str, words: &Words) -> Result<()> {
    let height = (120 + 28 * bars.len() as u32).max(320);
    draw_to(
        path,
        (900, height),
        |root| bar_chart(root, bars, title, unit, words),
        |root| bar_chart(root, bars, title, unit, words),
    )
}

/// A coefficient as drawn: label, estimate, interval, and whether it is the reference period.
type Point = (String, f64, Option<(f64, f64)>, bool);

/// The relative period of an event-study term `k=-2`, if the terms are named so.
fn relative_period(term: &str) -> Option<i64> {
    term.strip_prefix("k=")?.parse().ok()
}

fn coefficient_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    estimates: &[Estimate],
    title: &str,
    words: &Words,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(fail)?;
    // Event-study terms k=… leave out the reference period k = −1 (its effect is 0 by
    // construction): it is drawn as an open circle at 0, in its place, labelled as the reference.
    let mut points: Vec<Point> = estimates.iter().map(|e| (e.term.clone(), e.estimate, e.ci_low.zip(e.ci_high), false)).collect();
    let periods: Option<Vec<i64>> = estimates.iter().map(|e| relative_period(&e.term)).collect();
    if let Some(periods) = periods.filter(|p| !p.is_empty() && !p.contains(&-1)) {
        let at = periods.iter().position(|k| *k > -1).unwrap_or(periods.len());
        points.insert(at, (format!("k=-1 ({})", words.reference), 0.0, None, true));
    }
    let lo = points.iter().map(|p| p.2.map_or(p.1, |i| i.0)).fold(0.0_f64, f64::min);
    let hi = points.iter().map(|p| p.2.map_or(p.1, |i| i.1)).fold(0.0_f64, f64::max);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let n = points.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..n, (lo - pad)..(hi + pad))
        .map_err(fail)?;
    chart.configure_mesh().disable_x_mesh().x_labels(0).y_desc(&words.coefficient).draw().map_err(fail)?;
    chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (n, 0.0)], BLACK.mix(0.5)))).map_err(fail)?;
    let color = colour(0).to_rgba();
    let label_style = ("sans-serif", 13).into_font().color(&BLACK).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    ));
    for (i, (term, estimate, interval, reference)) in points.iter().enumerate() {
        let x = i as f64 + 0.5;
        if *reference {
            // Treatment starts right after the reference period: a dashed line there.
            let start = x + 0.5;
            let dashes = (0..20).map(|d| {
                let y0 = lo - pad + (hi - lo + 2.0 * pad) * f64::from(d) / 20.0;
                PathElement::new(vec![(start, y0), (start, y0 + (hi - lo + 2.0 * pad) / 40.0)], BLACK.mix(0.6))
            });
            chart.draw_series(dashes).map_err(fail)?;
            chart.draw_series(std::iter::once(Circle::new((x, *estimate), 5, color.stroke_width(2)))).map_err(fail)?;
        } else {
            if let Some((l, h)) = interval {
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(x, *l), (x, *h)], color.stroke_width(2))))
                    .map_err(fail)?;
            }
            chart.draw_series(std::iter::once(Circle::new((x, *estimate), 5, color.filled()))).map_err(fail)?;
        }
        let (px, py) = chart.backend_coord(&(x, lo - pad));
        root.draw(&Text::new(term.clone(), (px, py + 8), label_style.clone())).map_err(fail)?;
    }
    Ok(())
}

/// Coefficients with interval whiskers and a zero line. For an event study (terms `k=…`) the
/// reference period k = −1 is drawn at 0 as an open circle, with a dashed line where treatment starts.
pub fn coefficients(path: &Path, estimates: &[Estimate], title: &str, words: &Words) -> Result<()> {
    draw_to(
        path,
        (900, 520),
        |root| coefficient_chart(root, estimates, title, words),
        |root| coefficient_chart(root, estimates, title, words),
    )
}
