// Progress of an ingest started from a page. On the overview, the upload form
// is sent with fetch and the job polled in place; on a job's own page
// (/jobs/N), the job is polled. Only text is written into the page
// (textContent), never markup.
(function () {
  "use strict";
  // A rejection names the article's id, which may hold bidi controls: left out, as the server's pages do.
  function plain(text) { return String(text).replace(/[\u202A-\u202E\u2066-\u2069]/g, ""); }
  function show(job, bar, status) {
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    var what = job.phase === "scan" ? "scanning for rewrites" : job.phase === "ingest" ? "adding articles" : "reading the file";
    if (job.state === "done") {
      bar.value = bar.max;
      status.textContent = "done: added " + job.added + ", skipped " + job.duplicates + " already stored, rejected " +
        job.rejected + (job.scanned ? "; scanned " + job.scanned : "") + " (" + job.elapsed_s + " s)";
    } else if (job.state === "failed") {
      status.textContent = "error: " + job.error;
    } else {
      status.textContent = what + (job.total ? ": " + job.done + " of " + job.total : "…");
    }
  }
  function poll(id, bar, status, done) {
    fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.error && !job.state) { status.textContent = "error: " + job.error; return; }
        show(job, bar, status);
        if (job.state === "done" || job.state === "failed") { done(job); return; }
        setTimeout(function () { poll(id, bar, status, done); }, 400);
      })
      .catch(function () { status.textContent = "lost contact with the server; reload the page"; });
  }
  var jobBox = document.getElementById("job");
  if (jobBox) {
    poll(jobBox.dataset.job, document.getElementById("job-bar"), document.getElementById("job-status"), function (job) {
      var result = document.getElementById("job-result");
      var summary = document.getElementById("job-summary");
      summary.textContent = job.state === "done"
        ? "added " + job.added + ", skipped " + job.duplicates + " already stored, rejected " + job.rejected
        : "error: " + job.error;
      var list = document.getElementById("job-rejections");
      list.textContent = "";
      job.rejections.forEach(function (r) {
        var li = document.createElement("li");
        li.textContent = plain(r.where + ": " + r.reason);
        list.appendChild(li);
      });
      result.hidden = false;
    });
  }
  var form = document.getElementById("ingest-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var box = document.getElementById("ingest-progress");
      var bar = document.getElementById("ingest-bar");
      var status = document.getElementById("ingest-status");
      var data = new FormData();
      data.append("file", document.getElementById("ingest-file").files[0]);
      var headers = { Accept: "application/json" };
      var token = document.getElementById("ingest-token");
      if (token) { headers.Authorization = "Bearer " + token.value; }
      box.hidden = false;
      status.textContent = "uploading…";
      fetch("/api/ingest", { method: "POST", body: data, headers: headers })
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (!answer.job) { status.textContent = "error: " + answer.error; return; }
          poll(answer.job, bar, status, function (job) {
            if (job.state === "done") {
              var link = document.createElement("a");
              link.href = "/";
              link.textContent = " Reload the overview";
              status.appendChild(link);
            }
            // Why each file or line was refused, as the job's own page says it
            (job.rejections || []).slice(0, 5).forEach(function (r) {
              var line = document.createElement("div");
              line.className = "error-line";
              line.textContent = "rejected: " + plain(r.where + ": " + r.reason);
              box.appendChild(line);
            });
            if ((job.rejections || []).length > 5) {
              var more = document.createElement("a");
              more.href = "/jobs/" + encodeURIComponent(answer.job);
              more.textContent = "all " + job.rejections.length + " rejections";
              box.appendChild(more);
            }
          });
        })
        .catch(function () { status.textContent = "the upload failed; is the server running?"; });
    });
  }
})();
