//! Round-trip properties shared by the fuzz targets (`fuzz/`) and the corpus replay tests: each
//! takes arbitrary bytes, and returns `Err` with a description when a reader accepts input whose
//! written form does not read back to the same value. A reader may reject any input; it must
//! never panic (the fuzzer catches that).

use crate::{read_sol, read_vrplib, write_sol, write_vrplib, VrplibOptions, VrplibType};

/// VRPLIB: read, write with the declared type, read again: the same problem.
///
/// # Errors
/// A description of the mismatch.
pub fn vrplib(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    for options in [VrplibOptions::default(), VrplibOptions { hfvrp_cost: crate::HfvrpCost::Integer }] {
        let Ok(first) = read_vrplib(text, &options) else { continue };
        let ty = VrplibType::declared_in(text).ok_or("accepted text declares no known TYPE")?;
        let written = write_vrplib(&first.problem, ty, &options).map_err(|e| format!("cannot write back: {e}"))?;
        let second = read_vrplib(&written, &options).map_err(|e| format!("cannot read back: {e}\n{written}"))?;
        if first.problem != second.problem {
            return Err(format!("round trip changed the problem:\n{written}"));
        }
    }
    Ok(())
}

/// `.sol`: read, and if every route maps onto a small fixed problem, write and read back: the
/// same routes.
///
/// # Errors
/// A description of the mismatch.
pub fn sol(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    let Ok(sol) = read_sol(text) else { return Ok(()) };
    let problem = crate::vrplib::tests_support::small_problem();
    let Ok(solution) = sol.to_solution(&problem) else { return Ok(()) };
    let written = write_sol(&problem, &solution, sol.cost.as_deref()).map_err(|e| format!("cannot write back: {e}"))?;
    let again = read_sol(&written).map_err(|e| format!("cannot read back: {e}\n{written}"))?;
    let solution2 = again.to_solution(&problem).map_err(|e| format!("cannot match back: {e}"))?;
    if solution != solution2 || again.cost != sol.cost {
        return Err(format!("round trip changed the solution:\n{written}"));
    }
    Ok(())
}

/// Solomon: read, write, read again: the same problem.
///
/// # Errors
/// A description of the mismatch.
pub fn solomon(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    let scale = crate::SOLOMON_DEFAULT_SCALE;
    let Ok(first) = crate::read_solomon(text, scale) else { return Ok(()) };
    let written = crate::write_solomon(&first.problem, scale).map_err(|e| format!("cannot write back: {e}"))?;
    let second = crate::read_solomon(&written, scale).map_err(|e| format!("cannot read back: {e}\n{written}"))?;
    (first.problem == second.problem).then_some(()).ok_or_else(|| format!("round trip changed the problem:\n{written}"))
}

/// Li & Lim: read, write, read again: the same problem.
///
/// # Errors
/// A description of the mismatch.
pub fn lilim(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    let scale = crate::SOLOMON_DEFAULT_SCALE;
    let Ok(first) = crate::read_lilim(text, "fuzz", scale) else { return Ok(()) };
    let written = crate::write_lilim(&first.problem, scale).map_err(|e| format!("cannot write back: {e}"))?;
    let second = crate::read_lilim(&written, "fuzz", scale).map_err(|e| format!("cannot read back: {e}\n{written}"))?;
    (first.problem == second.problem).then_some(()).ok_or_else(|| format!("round trip changed the problem:\n{written}"))
}

/// IRP: read, write, read again: the same instance.
///
/// # Errors
/// A description of the mismatch.
pub fn irp(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    let Ok(first) = crate::read_irp(text, "fuzz") else { return Ok(()) };
    let written = crate::write_irp(&first);
    let second = crate::read_irp(&written, "fuzz").map_err(|e| format!("cannot read back: {e}\n{written}"))?;
    (first == second).then_some(()).ok_or_else(|| format!("round trip changed the instance:\n{written}"))
}

/// JSON problems and solutions: read, write, read again: the same value.
///
/// # Errors
/// A description of the mismatch.
pub fn json(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else { return Ok(()) };
    if let Ok(first) = crate::problem_from_json(text) {
        let written = crate::problem_to_json(&first).map_err(|e| format!("cannot write back: {e}"))?;
        let second = crate::problem_from_json(&written).map_err(|e| format!("cannot read back: {e}"))?;
        if first != second {
            return Err(format!("round trip changed the problem:\n{written}"));
        }
    }
    if let Ok(first) = crate::solution_from_json(text) {
        let written = crate::solution_to_json(&first).map_err(|e| format!("cannot write back: {e}"))?;
        let second = crate::solution_from_json(&written).map_err(|e| format!("cannot read back: {e}"))?;
        if first != second {
            return Err(format!("round trip changed the solution:\n{written}"));
        }
    }
    Ok(())
}
