//! Residuals of the real observations -> real params that make them small (Levenberg-Marquardt
//! with a forward-difference Jacobian). The hybrid stage polishes its reals with it once the
//! discrete candidate satisfies every other observation: Adam with a fixed rate only comes
//! within about its rate of a minimum, while the observations ask for the tolerance.

/// The residual function: writes the residuals at a point into the vector and says whether
/// the point is admissible (the other observations hold there).
pub trait Residuals {
    fn at(&mut self, x: &[f64], out: &mut Vec<f64>) -> bool;
}

impl<F: FnMut(&[f64], &mut Vec<f64>) -> bool> Residuals for F {
    fn at(&mut self, x: &[f64], out: &mut Vec<f64>) -> bool {
        self(x, out)
    }
}

/// The sum of squares, or infinity when a residual is not a number.
fn cost(r: &[f64]) -> f64 {
    let sum: f64 = r.iter().map(|v| v * v).sum();
    if sum.is_finite() {
        sum
    } else {
        f64::INFINITY
    }
}

/// Minimize the sum of squared residuals from `x`, in place, by at most `iterations`
/// Levenberg-Marquardt steps (each `x.len() + 1` evaluations or fewer). Only admissible points
/// that lower the cost are taken; it stops early once every residual is within `target` in
/// size. Returns the final cost (infinite when the start is not admissible).
pub fn minimize(residuals: &mut dyn Residuals, x: &mut [f64], iterations: usize, target: f64) -> f64 {
    let n = x.len();
    let mut r = Vec::new();
    if n == 0 || !residuals.at(x, &mut r) {
        return f64::INFINITY;
    }
    let mut current = cost(&r);
    let m = r.len();
    let mut jacobian = vec![0.0; m * n];
    let mut shifted = Vec::new();
    let mut trial = x.to_vec();
    let mut lambda = 1e-3;
    let mut normal = vec![0.0; n * n];
    let mut rhs = vec![0.0; n];
    for _ in 0..iterations {
        if r.iter().all(|v| v.abs() <= target) {
            break;
        }
        // Forward differences, one column per real.
        for j in 0..n {
            let h = 1e-7 * x[j].abs().max(1.0);
            trial.copy_from_slice(x);
            trial[j] += h;
            let ok = residuals.at(&trial, &mut shifted) && shifted.len() == m;
            for i in 0..m {
                let d = if ok { (shifted[i] - r[i]) / h } else { 0.0 };
                jacobian[i * n + j] = if d.is_finite() { d } else { 0.0 };
            }
        }
        // The normal equations J^T J and -J^T r.
        for a in 0..n {
            rhs[a] = -(0..m).map(|i| jacobian[i * n + a] * r[i]).sum::<f64>();
            for b in 0..n {
                normal[a * n + b] = (0..m).map(|i| jacobian[i * n + a] * jacobian[i * n + b]).sum();
            }
        }
        // Damped steps until one lowers the cost (or the damping shows there is none).
        let mut improved = false;
        while lambda < 1e12 {
            let mut damped = normal.clone();
            for a in 0..n {
                damped[a * n + a] += lambda * (normal[a * n + a] + 1e-12);
            }
            let Some(step) = solve(&mut damped, &rhs, n) else {
                lambda *= 10.0;
                continue;
            };
            for j in 0..n {
                trial[j] = x[j] + step[j];
            }
            if residuals.at(&trial, &mut shifted) && shifted.len() == m {
                let next = cost(&shifted);
                if next < current {
                    x.copy_from_slice(&trial);
                    std::mem::swap(&mut r, &mut shifted);
                    current = next;
                    lambda = (lambda / 3.0).max(1e-12);
                    improved = true;
                    break;
                }
            }
            lambda *= 4.0;
        }
        if !improved {
            break;
        }
    }
    current
}

/// Solve `a x = b` for a symmetric `n` by `n` matrix (row-major, overwritten) by Gaussian
/// elimination with partial pivoting; `None` when it is singular.
fn solve(a: &mut [f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut b = b.to_vec();
    for col in 0..n {
        let pivot = (col..n).max_by(|&p, &q| a[p * n + col].abs().total_cmp(&a[q * n + col].abs()))?;
        if a[pivot * n + col].abs() < 1e-300 {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(pivot * n + k, col * n + k);
            }
            b.swap(pivot, col);
        }
        for row in col + 1..n {
            let factor = a[row * n + col] / a[col * n + col];
            for k in col..n {
                a[row * n + k] -= factor * a[col * n + k];
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row * n + k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row * n + row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::minimize;

    #[test]
    fn fits_a_line_and_a_nonlinear_curve() {
        // y = 2x + 1 from three points, starting far away.
        let points = [(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)];
        let mut line = |x: &[f64], out: &mut Vec<f64>| {
            out.clear();
            out.extend(points.iter().map(|&(p, y)| (x[0] * p + x[1] - y) / 1e-3));
            true
        };
        let mut x = [10.0, -7.0];
        let cost = minimize(&mut line, &mut x, 20, 1e-3);
        assert!(cost < 1e-6, "{cost}");
        assert!((x[0] - 2.0).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6, "{x:?}");
        // y = a * exp(b x), nonlinear in b.
        let data: Vec<(f64, f64)> = (0..5).map(|i| (i as f64 * 0.5, 1.5 * (0.8 * i as f64 * 0.5).exp())).collect();
        let mut curve = |x: &[f64], out: &mut Vec<f64>| {
            out.clear();
            out.extend(data.iter().map(|&(p, y)| (x[0] * (x[1] * p).exp() - y) / 1e-3));
            true
        };
        let mut x = [1.0, 0.5];
        minimize(&mut curve, &mut x, 50, 1e-3);
        assert!((x[0] - 1.5).abs() < 1e-4 && (x[1] - 0.8).abs() < 1e-4, "{x:?}");
    }

    #[test]
    fn an_inadmissible_start_is_left_alone() {
        let mut never = |_: &[f64], _: &mut Vec<f64>| false;
        let mut x = [1.0];
        assert_eq!(minimize(&mut never, &mut x, 10, 1e-3), f64::INFINITY);
        assert_eq!(x, [1.0]);
    }
}
