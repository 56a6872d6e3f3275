"""The ``extractor`` command line.

Every failure ends as one line on stderr and a documented exit status (README "Errors"):
0 ok, 1 bad input (or a file that cannot be read or written), 2 internal error, 130
interrupted. Bad inputs among several are reported one line each as they come (``_Errors``)
and the run goes on; anything that stops a command is turned into its line in one place,
``_Main.invoke``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

import click
from pydantic import BaseModel

from extractor.document import Document, Format
from extractor.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    ExtractorError,
    printable,
)
from extractor.evidence import EvidenceDocument, read_evidence_jsonl

if TYPE_CHECKING:  # annotations only: validate imports them when it runs
    from extractor.batch.summary import BatchSummary
    from extractor.evaluate.results import Averages, Score, ScoreTable, ValidationResult


def _say(message: str) -> None:
    """One line on stderr (a hostile file name cannot split or break it)."""
    click.echo(printable(message), err=True)


class _Errors:
    """Counts failures: each bad input prints one line and the run goes on to the next."""

    def __init__(self, debug: bool) -> None:
        self.debug = debug
        self.count = 0
        self.internal = False

    def report(self, message: str, internal: bool = False) -> None:
        if self.debug and sys.exc_info()[0] is not None:  # no "NoneType: None" outside one
            traceback.print_exc()
        _say(f"error: {message}")
        self.count += 1
        self.internal |= internal

    def exit_if_any(self) -> None:
        if self.count:
            sys.exit(EXIT_INTERNAL if self.internal else EXIT_BAD_INPUT)


def _fail(ctx: click.Context, err: BaseException) -> NoReturn:
    """The one line and exit status of an error that stops a command."""
    if isinstance(err, KeyboardInterrupt):
        _say("interrupted, rerun to resume")
        ctx.exit(EXIT_INTERRUPTED)
    if isinstance(err, BrokenPipeError):  # `| head` closed our stdout: nothing to say there
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        ctx.exit(EXIT_BAD_INPUT)
    if (ctx.obj or {}).get("debug"):
        traceback.print_exception(err)
    if isinstance(err, ExtractorError):
        _say(f"error: {err}")
        ctx.exit(err.exit_code)
    if isinstance(err, OSError):  # a read-only folder, a full disk, no permission
        where = f"{err.filename}: " if err.filename else ""
        _say(f"error: {where}{err.strerror or err}")
        ctx.exit(EXIT_BAD_INPUT)
    first = str(err).splitlines()[0] if str(err) else ""
    _say(f"error: internal error ({type(err).__name__}: {first}); rerun with --debug")
    ctx.exit(EXIT_INTERNAL)


class _UsageError(click.ClickException):
    """A usage error (unknown option, missing argument) as one line and exit status 1: bad
    input like any other, not click's multi-line usage text and status 2 (2 is a bug)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, err: click.UsageError) -> None:
        where = err.ctx.command_path if err.ctx is not None else "extractor"
        message = " ".join(err.format_message().split())
        super().__init__(f"{where}: {message} (see '{where} --help')")

    def show(self, file: Any = None) -> None:
        _say(f"error: {self.message}")


class _Main(click.Group):
    """The command group; turns whatever stops a command into one line and an exit status."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as err:
            raise _UsageError(err) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as err:  # a subcommand's arguments, or a command's own check
            raise _UsageError(err) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise  # click's own: --help, --version
        except (KeyboardInterrupt, Exception) as err:
            _fail(ctx, err)


def _guarded(path: str, errors: _Errors, fn: Callable[[], list[Document]]) -> list[Document]:
    """Run a parse step; a failure becomes one line on stderr (a traceback only with --debug)."""
    try:
        return fn()
    except ExtractorError as err:
        errors.report(str(err.with_path(path)))
    except Exception as err:  # a bug, not bad input: still one line unless --debug
        errors.report(f"{path}: internal error ({type(err).__name__}: {err}); "
                      "rerun with --debug", internal=True)
    return []


def _iter_docs(paths: tuple[str, ...], fmt: Format | None, errors: _Errors) -> Iterator[Document]:
    from extractor.parsers import parse_all, parse_bytes

    for path in paths:
        if path == "-":
            yield from _guarded("<stdin>", errors, partial(
                parse_bytes, sys.stdin.buffer.read(), "<stdin>", fmt or "text"))
        else:
            yield from _guarded(path, errors, partial(parse_all, path, fmt))


def _write(docs: list[BaseModel], output: str | None, pretty: bool) -> None:
    """One document as a JSON object (pretty unless compact), several as JSON Lines."""
    if len(docs) == 1 and pretty:
        body = docs[0].model_dump_json(indent=2) + "\n"
    else:
        body = "".join(d.model_dump_json() + "\n" for d in docs)
    if output:
        _write_file(output, body)
    else:
        click.echo(body, nl=False)


def _write_file(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path``; a failure (a full disk reports it only on write or close)
    is an OSError that names the file, for its one error line."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as err:
        if err.filename is not None:
            raise
        raise OSError(err.errno, err.strerror, str(path)) from err


# Options several commands share: one definition, one help text.
_input_format = click.option(
    "--format", "fmt", type=click.Choice(["jats", "html", "pdf", "text"]), default=None,
    help="Skip detection and parse as this format.")
_ner = click.option(
    "--ner/--rules-only", default=True, show_default="--ner",
    help="Run the trained NER model with the lexicon and pattern rules (the default), or "
    "the rules alone (faster; README, \"The NER model\").")


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="extractor")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Extract drugs, doses, outcomes and adverse events from articles, with provenance."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=True), default=None,
              help="Output file (JSON, or JSON Lines for several documents), or a directory "
                   "(ending in /) to get one <id>.<format>.json per document. "
                   "Default: stdout.")
@_input_format
@click.option("--compact", is_flag=True, help="One line per document, no indentation.")
@click.pass_context
def parse(ctx: click.Context, paths: tuple[str, ...], output: str | None, fmt: str | None,
          compact: bool) -> None:
    """Parse PATH(s) into Document JSON: text, sections, tables (cells with offsets), metadata.

    One document prints as a JSON object; several (several paths, or a JATS file that holds
    several articles) print as JSON Lines. `-` reads text from stdin.
    """
    errors = _Errors(ctx.obj["debug"])
    docs = list(_iter_docs(paths, cast(Format | None, fmt), errors))
    if output and (Path(output).is_dir() or output.endswith(("/", "\\"))):
        out_dir = Path(output)
        out_dir.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            # The same article often comes as HTML and PDF with one stem: keep both.
            path = out_dir / f"{doc.id}.{doc.source.format}.json"
            _write_file(path, doc.model_dump_json(indent=2) + "\n")
        _print_summary(docs, out_dir)
    elif docs:
        _write(list(docs), output, pretty=not compact)
    errors.exit_if_any()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output JSON Lines file (one EvidenceDocument per line). Default: stdout.")
@_input_format
@_ner
@click.option("--model", "model", default=None,
              help="An installed scispacy NER package (en_ner_bc5cdr_md) to run instead of "
                   "the shipped model.")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds one document may take; past it the document is an error and the "
                   "next one goes on (as batch --timeout). Default: no limit.")
@click.pass_context
def extract(ctx: click.Context, paths: tuple[str, ...], output: str | None,
            fmt: str | None, ner: bool, model: str | None, max_seconds: float | None) -> None:
    """Extract mentions, relations and evidence records from PATH(s): one EvidenceDocument
    per input document, one per line (JSON Lines). `-` reads plain text from stdin.

    A bad input prints one error line and the others are still processed; the exit status
    is then non-zero.
    """
    from extractor.pipeline import Pipeline

    errors = _Errors(ctx.obj["debug"])
    with _status(f"parsing {len(paths)} input(s)...") as status:
        docs = list(_iter_docs(paths, cast(Format | None, fmt), errors))
        evidence: list[EvidenceDocument] = []
        if docs:
            status.update(f"loading the extraction pipeline for {len(docs)} document(s)...")
            pipeline = Pipeline(model=model, ner=ner)
            status.update(f"extracting {len(docs)} document(s)...")
            for result in (pipeline.pipe(docs) if max_seconds is None else
                           _extract_each(pipeline, docs, max_seconds, errors)):
                evidence.append(result)
                status.update(f"extracted {len(evidence)}/{len(docs)} document(s)...")
    if docs:
        _write(list(evidence), output, pretty=False)
        if output:
            _print_evidence_summary(evidence, output)
    errors.exit_if_any()


class _TimeLimit(Exception):
    """Raised inside a document's extraction when its --max-seconds are up."""


def _extract_each(pipeline: Any, docs: list[Document], seconds: float,
                  errors: _Errors) -> Iterator[EvidenceDocument]:
    """Each document alone under a time limit (a SIGALRM timer: the pipeline runs in this,
    the main, thread); one past it is one error line and the next one goes on."""
    import signal

    def expire(_signum: int, _frame: Any) -> None:
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        for doc in docs:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                try:
                    evidence = pipeline.extract(doc)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except _TimeLimit:  # (also when the time ran out just as it finished)
                errors.report(f"{doc.source.path}: no result after {seconds:g} s "
                              "(--max-seconds)")
                continue
            yield evidence
    finally:
        signal.signal(signal.SIGALRM, previous)


@main.command()
@click.argument("jsonl", type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "md", "xlsx"]), default="csv",
              show_default=True, help="CSV, a Markdown table, or an Excel workbook (needs -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the table to this file. Default: stdout (csv and md only).")
@click.option("--provenance", is_flag=True,
              help="Put the source cell (or text offsets) beside each value.")
@click.option("--findings", is_flag=True,
              help="One row per finding instead: outcome, intervention vs comparator, "
                   "direction, significance, p value, effect and CI, arm values, timepoint and "
                   "the sentence or table row that says so (with where it is).")
@click.pass_context
def table(ctx: click.Context, jsonl: str, fmt: str, output: str | None,
          provenance: bool, findings: bool) -> None:
    """Print the evidence table of JSONL (EvidenceDocuments from `extractor extract`): one
    row per record (study, arm, patient), one column per field; with --findings, one row per
    reported comparison of arms. JSONL may also be a batch's OUT_DIR or its evidence.duckdb
    (the tables `extractor batch` stored).
    """
    from extractor.records.export import (
        FINDING_COLUMNS,
        columns,
        evidence_rows,
        finding_rows,
        to_csv,
        to_markdown,
        to_xlsx,
    )

    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx writes a workbook: give its file with -o FILE.")

    errors = _Errors(ctx.obj["debug"])
    stored = Path(jsonl).is_dir() or jsonl.endswith(".duckdb")
    if findings and stored:
        rows = _database_findings(jsonl)
    elif findings:
        rows = finding_rows(_read_evidence(jsonl, errors))
    elif stored:
        rows = _database_rows(jsonl, provenance)
    else:
        rows = evidence_rows(_read_evidence(jsonl, errors), provenance=provenance)
    header = FINDING_COLUMNS if findings else columns(provenance)
    if fmt == "xlsx":
        to_xlsx(rows, header, cast(str, output))
    else:
        text = to_csv(rows, header) if fmt == "csv" else to_markdown(rows, header)
        if output:
            _write_file(output, text)
        else:
            click.echo(text, nl=False)
    errors.exit_if_any()


def _database_findings(path: str) -> list[dict[str, str]]:
    """The findings table of the records a batch stored in its evidence.duckdb."""
    from extractor.batch.database import query
    from extractor.evidence import Finding
    from extractor.records.export import finding_row

    _, stored = query(path, "SELECT document, id, to_json(findings) FROM records "
                            "WHERE len(findings) > 0 ORDER BY file, doc_index, id")
    return [finding_row(document, record, Finding.model_validate(f))
            for document, record, findings in stored for f in json.loads(findings)]


def _read_evidence(jsonl: str, errors: _Errors) -> list[EvidenceDocument]:
    """The EvidenceDocuments of a JSONL file; a bad line is one error and is skipped."""
    docs: list[EvidenceDocument] = []
    for number, doc in read_evidence_jsonl(jsonl):
        if isinstance(doc, str):
            errors.report(f"{jsonl}:{number}: not an EvidenceDocument ({doc})")
        else:
            docs.append(doc)
    return docs


class _Quiet:
    """The status of a run whose stderr is no terminal: shows nothing."""

    def update(self, message: str) -> None:
        """Show nothing."""


def _status(message: str) -> Any:
    """What a long step is doing, as rich's transient status line on stderr when it is a
    terminal; logs and pipes get only the results (and rich is not even imported)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(_Quiet())
    return _console().status(message)


def _console() -> Any:
    """A stderr console; piped output (make, CI logs) gets a wide page instead of 80 columns."""
    from rich.console import Console

    return Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def _print_evidence_summary(evidence: list[EvidenceDocument], output: str) -> None:
    """Mentions per label for each document, on stderr."""
    from collections import Counter

    from rich.table import Table as RichTable

    from extractor.evidence import LABELS

    table = RichTable(title=f"{len(evidence)} evidence document(s) written to {output}: "
                            "mentions per label, relations and records")
    table.add_column("id", no_wrap=True)
    # Headings spelled out; a narrow terminal wraps them ("adverse / event").
    for heading in [*(label.lower().replace("_", " ") for label in LABELS), "relations",
                    "records"]:
        table.add_column(heading, justify="right")
    for d in evidence:
        counts: Counter[str] = Counter(m.label for m in d.mentions)
        table.add_row(d.id, *(str(counts.get(label, 0)) for label in LABELS),
                      str(len(d.relations)), str(len(d.records)))
    _console().print(table)


def _print_summary(docs: list[Document], out_dir: Path) -> None:
    """A one-line-per-document table on stderr, so a run shows what it produced."""
    from rich.table import Table as RichTable

    table = RichTable(title=f"{len(docs)} document(s) written to {out_dir}")
    for col in ("id", "format", "title", "characters", "sections", "tables", "warnings"):
        table.add_column(col, overflow="fold")
    for d in docs:
        title = d.metadata.title or ""
        table.add_row(d.id, d.source.format, title[:40] + ("…" if len(title) > 40 else ""),
                      str(len(d.text)), str(len(d.sections)), str(len(d.tables)),
                      str(len(d.warnings) + sum(len(t.flags) for t in d.tables)))
    _console().print(table)


_GOLD_FORMATS = ["brat", "bioc", "pubtator", "ade", "phee", "json"]


@main.command()
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True),
              help="Gold annotations: a file or folder.")
@click.option("--pred", "pred_path", required=True, type=click.Path(exists=True),
              help="Predictions: a file or folder (also the toolkit's JSONL).")
@click.option("--format", "fmt", type=click.Choice(_GOLD_FORMATS), default=None,
              help="Format of both sides (default: detected).")
@click.option("--gold-format", type=click.Choice(_GOLD_FORMATS), default=None,
              help="Format of the gold side (overrides --format).")
@click.option("--pred-format", type=click.Choice(_GOLD_FORMATS), default=None,
              help="Format of the predictions (overrides --format).")
@click.option("--label-map", type=click.Path(exists=True, dir_okay=False), default=None,
              help="JSON label map applied to both sides (corpus labels → toolkit labels).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), default=None,
              help="Write every metric, and the false positives/negatives, to this file.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None,
              help="Write a self-contained HTML page: per-label P/R/F1 bars and every false "
                   "positive and negative in its sentence, gold beside predicted.")
@click.option("--strict", is_flag=True,
              help="Stop (exit 1) at malformed gold instead of warning and scoring the item "
                   "as written or skipping it.")
def validate(gold_path: str, pred_path: str, fmt: str | None,
             gold_format: str | None, pred_format: str | None, label_map: str | None,
             json_out: str | None, html_out: str | None, strict: bool) -> None:
    """Score predictions against gold: mentions (exact, overlap, untyped) per label with
    bootstrap 95% CIs, concepts, relations, record fields, negation; false positives and
    negatives with their sentence go to --json, and to a reviewable page with --html.

    Predictions on a plain-text file are moved onto the file's own characters (the parser
    reflows the text), so gold written on the file lines up. Malformed gold is a warning
    per problem, naming the file and line and whether the item is scored as written or
    skipped; --strict stops at it instead.
    """
    import json

    from extractor.evaluate.validate import unknown_labels
    from extractor.evaluate.validate import validate as run_validate
    from extractor.formats.gold import LabelMap
    from extractor.formats.registry import read_any

    def skipped(message: str) -> None:
        _say(f"warning: {message}")

    on_problem = None if strict else skipped
    gold = read_any(gold_path, gold_format or fmt, on_skip=skipped, on_problem=on_problem)
    pred = read_any(pred_path, pred_format or fmt, on_skip=skipped, on_problem=on_problem)
    lm = LabelMap.load(label_map) if label_map else None
    unknown = unknown_labels(gold, pred, lm)
    if unknown and strict:
        more = f" (and {len(unknown) - 10} more)" if len(unknown) > 10 else ""
        raise ExtractorError(f"{len(unknown)} unknown gold label(s): "
                             f"{'; '.join(unknown[:10])}{more}", path=gold_path,
                             code="malformed")
    for problem in unknown:
        skipped(f"{problem} (scored as a label of its own)")
    result = run_validate(gold, pred, lm)
    for doc_id in result.documents.pred_on_another_text:
        skipped(f"document {doc_id}: the predictions were made on another text than the "
                "gold's (not the same text, nor the file the gold indexes): offsets may not "
                "line up")
    if json_out:
        _write_file(json_out, json.dumps(result.to_json(), indent=2) + "\n")
    if html_out:
        from extractor.report.validation import write_validation_page

        write_validation_page(result.to_json(), html_out,
                              f"Validation: {Path(pred_path).name} against {Path(gold_path).name}")
    _print_validation(result)


def _print_validation(result: ValidationResult) -> None:
    """Rich tables of the mention, concept and relation scores, on stderr."""
    from rich.table import Table as RichTable

    from extractor.evaluate.results import LabelScore, Skipped

    docs = result.documents
    console = _console()

    def show(title: str, rows: Mapping[str, Score], macro: Averages | None = None) -> None:
        table = RichTable(title=title)
        for col in ("label", "true positives", "false positives", "false negatives",
                    "precision", "recall", "F1", "F1 95% interval"):
            table.add_column(col, justify="left" if col == "label" else "right")
        for name, row in rows.items():
            ci = row.ci95 if isinstance(row, LabelScore) else None
            table.add_row(name, str(row.tp), str(row.fp), str(row.fn),
                          f"{row.precision:.3f}", f"{row.recall:.3f}",
                          f"{row.f1:.3f}", f"{ci[0]:.3f}-{ci[1]:.3f}" if ci else "")
        if macro is not None:
            table.add_row("macro", "", "", "", f"{macro.precision:.3f}",
                          f"{macro.recall:.3f}", f"{macro.f1:.3f}", "")
        console.print(table)

    def show_table(title: str, scores: ScoreTable) -> None:
        micro = {"micro": scores.micro} if scores.micro is not None else {}
        show(title, {**scores.labels, **micro}, scores.macro)

    show_table(f"mentions, exact ({docs.paired}/{docs.gold} gold documents paired)",
               result.mentions)
    show_table("mentions, overlap", result.mentions_overlap)
    show("mentions, untyped exact", {"ANY": result.mentions_untyped})
    for section, scored in (("concepts", result.concepts), ("relations", result.relations)):
        if isinstance(scored, Skipped):
            console.print(f"{section}: skipped ({scored.skipped})")
        elif scored:
            show(section, scored)
    neg = result.negation
    if neg.accuracy is not None:
        console.print(f"negation accuracy: {neg.accuracy:.3f} on {neg.pairs} "
                      "overlap-matched mentions")
    for key, field in (result.records or {}).items():
        console.print(f"record field {key}: {field.correct}/{field.total} "
                      f"({field.accuracy:.3f})")
    console.print(f"{len(result.false_positives)} false positive(s), "
                  f"{len(result.false_negatives)} false negative(s) (exact)")


@main.command()
@click.option("-o", "--output", type=click.Path(file_okay=False), default="schemas",
              show_default=True, help="Directory to write the JSON Schemas to.")
def schema(output: str) -> None:
    """Regenerate the JSON Schemas in schemas/ from the code's models."""
    from extractor.schema import write_schemas

    for path in write_schemas(output):
        click.echo(str(path))


# ---- batch: `extractor batch`, `extractor query` (extractor/batch/) ----


def _database_rows(path: str, provenance: bool) -> list[dict[str, str]]:
    """The evidence table stored in a batch's evidence.duckdb (for `extractor table`)."""
    from extractor.batch.database import evidence_rows_from_database

    return evidence_rows_from_database(path, provenance)


class _BatchProgress:
    """A rich progress bar on stderr: files done/total, documents per second, ETA."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} docs/s"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=_console(), transient=False)
        self.task = self.progress.add_task("files", total=None, rate="-")
        self.started = 0.0

    def __call__(self, done: int, total: int, documents: int) -> None:
        import time

        if not self.started:
            self.progress.start()
            if total:  # the workers load the pipeline (and maybe build caches) first
                self.progress.update(self.task, description="files: starting the workers")
        elif done == 0:  # called at the start and again when the workers are ready
            self.progress.update(self.task, description="files")
        if done == 0:
            self.started = time.monotonic()
        elapsed = time.monotonic() - self.started
        rate = f"{documents / elapsed:.1f}" if elapsed > 0 and documents else "-"
        self.progress.update(self.task, completed=done, total=total, rate=rate)

    def stop(self) -> None:
        self.progress.stop()


def _print_batch_summary(summary: BatchSummary, out_dir: str) -> None:
    """The run summary on stderr: files, documents, mentions per label, errors, speed."""
    from rich.table import Table as RichTable

    files, run = summary.files, summary.run
    table = RichTable(title=f"batch → {out_dir}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("files", f"{files.total} ({files.processed} processed, "
                           f"{files.skipped} already done)")
    table.add_row("documents", str(summary.documents))
    for label, count in summary.mentions_per_label.items():
        table.add_row(f"  {label}", str(count))
    table.add_row("relations / records", f"{summary.relations} / {summary.records}")
    table.add_row("errors", str(summary.errors))
    table.add_row("time", f"{run.seconds:.1f} s")
    table.add_row("throughput", f"{run.documents_per_second:.2f} docs/s, "
                                f"{run.words_per_second:.0f} words/s")
    _console().print(table)


@main.command()
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder (created; rerunning into it resumes).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="A local process pool, or dask.distributed.")
@click.option("--scheduler", default=None,
              help="Address of a running dask scheduler (implies --engine dask).")
@click.option("--glob", "pattern", default=None,
              help="Only files matching this pattern (default: the article extensions).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0,
              show_default=True, help="Seconds one file may take before it is an error.")
@click.option("--retry-errors", is_flag=True, help="Process again the files that failed.")
@_ner
@click.option("--no-report", is_flag=True, help="Do not write the HTML review report.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--wait", is_flag=True,
              help="If another batch is writing to OUT_DIR, wait for it instead of stopping.")
def batch(in_dir: str, out_dir: str, workers: int | None, engine: str,
          scheduler: str | None, pattern: str | None, timeout: float, retry_errors: bool,
          ner: bool, no_report: bool, quiet: bool, wait: bool) -> None:
    """Process every article under IN_DIR into OUT_DIR: documents.jsonl, records.csv,
    mentions.parquet, records.parquet, evidence.duckdb, errors.jsonl, summary.json, and the
    review report in OUT_DIR/report/ (unless --no-report).

    A rerun processes only new or changed files (all of them after a model change) and is
    safe after a crash. A bad file becomes a line in errors.jsonl; the batch goes on. One
    batch at a time per OUT_DIR: a second one stops with the first one's pid (or --wait).
    """
    from extractor.batch.lock import FolderLock

    # the lock first, so that a second batch stops at once; the report is an output of the
    # run too, written under the same lock
    with FolderLock(out_dir, wait=wait,
                    on_wait=lambda holder: _say(f"waiting for the batch of {holder}")):
        from extractor.batch.runner import BatchOptions, default_workers, run_batch

        options = BatchOptions(
            in_dir=Path(in_dir), out_dir=Path(out_dir), workers=workers or default_workers(),
            engine="dask" if scheduler else engine, scheduler=scheduler, glob=pattern,
            timeout=timeout, retry_errors=retry_errors, ner=ner)
        progress = None if quiet else _BatchProgress()
        try:
            summary = run_batch(options, progress, lock=False,
                                warn=lambda message: _say(f"warning: {message}"))
        finally:
            if progress is not None:
                progress.stop()
        if not quiet:
            _print_batch_summary(summary, out_dir)
        if not no_report:
            from extractor.report import write_report

            index = write_report(Path(out_dir))
            if not quiet:
                _console().print(f"report: {index}")


@main.command()
@click.argument("sql")
@click.option("--db", default=".", show_default=True,
              help="A batch's OUT_DIR, or its evidence.duckdb.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True, help="How to print the result.")
def query(sql: str, db: str, fmt: str) -> None:
    """Run SQL on a batch's evidence.duckdb (read-only). Tables: documents, mentions,
    relations, records, errors, evidence_rows; views: evidence_table, interventions,
    adverse_events, outcomes.
    """
    import csv
    import io
    import json

    from extractor.batch.database import query as run_query

    names, rows = run_query(db, sql)
    if fmt == "json":
        records = [dict(zip(names, r, strict=True)) for r in rows]
        click.echo(json.dumps(records, default=str, indent=1))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table as RichTable

        table = RichTable(*names)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console(width=None if sys.stdout.isatty() else 200).print(table)


# --- review report (issue 8) -------------------------------------------------------------


@main.command()
@click.argument("article", required=False, type=click.Path(dir_okay=False))
@click.option("--outcome", help="The outcome asked about (with ARTICLE).")
@click.option("--intervention", help="The intervention (with ARTICLE).")
@click.option("--comparator", help="What the intervention is compared with (with ARTICLE).")
@click.option("--prompts", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A CSV of prompts (PromptID, PMCID, Outcome, Intervention, Comparator: the "
                   "Evidence Inference corpus's columns) instead of ARTICLE.")
@click.option("--articles", type=click.Path(exists=True, file_okay=False), default=None,
              help="The folder holding the prompts' articles as PMC<PMCID>.<ext> (nxml, xml, "
                   "html, txt, pdf).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the answers (CSV with --prompts, else JSON) here. Default: stdout.")
@click.pass_context
def infer(ctx: click.Context, article: str | None, outcome: str | None,
          intervention: str | None, comparator: str | None, prompts: str | None,
          articles: str | None, output: str | None) -> None:
    """Which way did a trial's result go? For ARTICLE and an outcome, intervention and
    comparator, print the label (significantly increased / decreased / no significant
    difference), its code (1 / -1 / 0), the evidence sentence with its offsets, and the
    label's probability, as JSON. With --prompts and --articles, answer every prompt of the
    CSV: one output row per prompt (PromptID, label_code, label, evidence, evidence_start,
    evidence_end: offsets into the article file, score, error); a malformed row, an unknown
    PMCID or a missing article is an error row (and a line on stderr), and the other prompts
    go on.
    """
    from extractor.findings.infer import ANSWER_COLUMNS, answer_prompts
    from extractor.findings.infer import infer as infer_one
    from extractor.records.export import to_csv

    if prompts or articles:
        if article or not (prompts and articles):
            raise click.UsageError("give --prompts and --articles together, without ARTICLE")
        errors = _Errors(ctx.obj["debug"])
        rows = []
        for answer in answer_prompts(prompts, articles):
            if answer.error:
                errors.report(f"prompt {answer.prompt_id}: {answer.error}")
            rows.append(answer.row())
        body = to_csv(rows, list(ANSWER_COLUMNS))
        if output:
            _write_file(output, body)
        else:
            click.echo(body, nl=False)
        errors.exit_if_any()
        return
    if not (article and outcome and intervention and comparator):
        raise click.UsageError("give ARTICLE with --outcome, --intervention and --comparator "
                               "(or --prompts and --articles)")
    one = infer_one(article, outcome, intervention, comparator)
    body = json.dumps({"label_code": one.label_code, "label": one.label,
                       "score": round(one.score, 4),
                       "evidence": one.evidence.model_dump(mode="json"),
                       "source_start": one.source_start, "source_end": one.source_end},
                      indent=2) + "\n"
    if output:
        _write_file(output, body)
    else:
        click.echo(body, nl=False)


@main.command()
@click.argument("source", type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="Folder to write the report to. Default: SOURCE/report for a batch "
                   "folder, report/ beside a JSONL file.")
@click.pass_context
def report(ctx: click.Context, source: str, output: str | None) -> None:
    """Write the HTML review report of SOURCE: a batch OUT_DIR (documents.jsonl,
    errors.jsonl) or a JSONL file from `extractor extract`.

    index.html lists the documents with mention counts per label, and the errors; each
    document's page shows its text with every mention highlighted, its tables, and its
    evidence records linked to their sources. Self-contained: opens offline.
    """
    from extractor.report.build import build_report

    errors = _Errors(ctx.obj["debug"])
    written = build_report(Path(source), Path(output) if output else None)
    for bad in written.bad_lines:
        errors.report(f"{bad['file']}: {bad['reason']}")
    click.echo(f"report of {len(written.pages)} document(s) written to {written.index}",
               err=True)
    errors.exit_if_any()


# --- extractor train: the toolkit's own NER model (extractor/train/, models/ner.cfg) ---
@main.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              default=None, help="Training settings (default: the shipped models/ner.cfg).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="models/ner",
              show_default=True, help="Model folder to (re)write, relative to the current "
              "folder.")
@click.option("--shared", type=click.Path(file_okay=False), default=None,
              help="Folder holding corpora/ (default: ../shared beside the repository).")
@click.option("--gold", "gold_path", type=click.Path(exists=True), default=None,
              help="Your own gold (file or folder) to train one more component on.")
@click.option("--gold-format", type=click.Choice(_GOLD_FORMATS), default=None,
              help="Format of --gold (default: detected).")
@click.option("--label-map", type=click.Path(exists=True, dir_okay=False), default=None,
              help="JSON label map for --gold (its labels → toolkit labels).")
@click.option("--name", default="gold", show_default=True,
              help="Name of the component trained on --gold.")
def train(config_path: str | None, out_dir: str, shared: str | None,
          gold_path: str | None, gold_format: str | None, label_map: str | None,
          name: str) -> None:
    """Train the NER model: one component per corpus family of the config (on ../shared),
    plus one on --gold when given. Deterministic for a given config (fixed seeds)."""
    from extractor.resources import ner_settings
    from extractor.train.user_gold import train_from_cli

    meta = train_from_cli(config_path or str(ner_settings()), out_dir, shared, gold_path,
                          gold_format, label_map, name, say=lambda m: click.echo(m, err=True))
    for comp, info in meta["components"].items():
        click.echo(f"{comp}: held-back F1 {info['best_held_f1']:.3f} after "
                   f"{len(info['epochs'])} epochs ({info['train_seconds']:.0f} s)", err=True)
    click.echo(f"model written to {out_dir}", err=True)


if __name__ == "__main__":  # after every command is defined (python -m extractor.cli train)
    main()
