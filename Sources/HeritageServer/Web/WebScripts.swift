/// The pages' small script modules, served at `/static/NAME` (the Content-Security-Policy
/// allows scripts from this origin only, never inline). Each improves a page that works
/// without it; the texts they show come from the page, in its language.
enum WebScripts {
    static let modules: [String: String] = ["upload.js": upload, "job.js": job]

    /// The upload page: each file is sent on its own (`POST /api/sites/{code}/assets`), with a
    /// progress bar and a cancel button; the reader's refusal is shown at the file; a dropped
    /// connection is retried (the archive stores a file once, by its hash, so a retry of a
    /// file that did arrive is answered as a duplicate, not stored twice). Files can be dropped
    /// on the page as well as chosen.
    static let upload = #"""
        const form = document.getElementById("upload-form");
        if (form) {
          const text = (key) => form.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
          const list = document.getElementById("upload-list");
          const drop = document.getElementById("dropzone");
          const site = form.dataset.site;
          const maxAttempts = 6;

          const say = (row, message, kind) => {
            const status = row.querySelector(".status");
            status.textContent = message;
            status.className = "status " + (kind || "");
            if (kind === "error") status.setAttribute("role", "alert");
          };

          const send = (file) => {
            const row = document.createElement("li");
            const name = document.createElement("span");
            name.className = "name";
            name.textContent = file.name;
            name.dir = "auto";
            const bar = document.createElement("progress");
            bar.max = 100;
            bar.value = 0;
            bar.setAttribute("aria-label", file.name);
            const status = document.createElement("span");
            status.className = "status";
            const cancel = document.createElement("button");
            cancel.type = "button";
            cancel.className = "secondary";
            cancel.textContent = text("cancel");
            row.append(name, bar, status, cancel);
            list.append(row);
            say(row, text("waiting"));

            let request = null;
            let timer = null;
            let stopped = false;
            cancel.addEventListener("click", () => {
              stopped = true;
              clearTimeout(timer);
              if (request) request.abort();
              say(row, text("cancelled"));
              cancel.remove();
            });

            const attempt = (number) => {
              if (stopped) return;
              const query = new URLSearchParams({ filename: file.name });
              if (form.survey.value) query.set("survey", form.survey.value);
              request = new XMLHttpRequest();
              request.open("POST", "/api/sites/" + encodeURIComponent(site) + "/assets?" + query);
              request.setRequestHeader("Content-Type", "application/octet-stream");
              request.upload.addEventListener("progress", (event) => {
                if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
              });
              request.addEventListener("load", () => {
                let body = {};
                try { body = JSON.parse(request.responseText); } catch (error) { body = {}; }
                cancel.remove();
                if (request.status === 200 || request.status === 201) {
                  bar.value = 100;
                  const key = body.outcome === "duplicate" ? "duplicate" : "stored";
                  let message = text(key) + " " + body.version;
                  if (body.warnings && body.warnings.length) {
                    message += " · " + text("warning") + ": " + body.warnings.join("; ");
                  }
                  say(row, message, "ok");
                } else {
                  say(row, body.error || request.status + " " + request.statusText, "error");
                }
              });
              request.addEventListener("error", () => {
                if (stopped) return;
                if (number >= maxAttempts) {
                  say(row, text("failed"), "error");
                  cancel.remove();
                  return;
                }
                const seconds = Math.min(30, 2 ** number);
                say(row, text("retry").replace("{s}", seconds), "error");
                timer = setTimeout(() => attempt(number + 1), seconds * 1000);
              });
              request.send(file);
            };
            attempt(1);
          };

          form.addEventListener("submit", (event) => {
            event.preventDefault();
            const files = [...form.files.files, ...form.photo.files];
            files.forEach(send);
            form.files.value = "";
            form.photo.value = "";
          });
          if (drop) {
            drop.hidden = false;
            for (const type of ["dragenter", "dragover"]) {
              document.addEventListener(type, (event) => {
                event.preventDefault();
                drop.classList.add("over");
              });
            }
            document.addEventListener("dragleave", () => drop.classList.remove("over"));
            document.addEventListener("drop", (event) => {
              event.preventDefault();
              drop.classList.remove("over");
              [...event.dataTransfer.files].forEach(send);
            });
          }
        }
        """#

    /// A job's page: its stage and percentage follow the job's events
    /// (`GET /api/jobs/{id}/events`); when it ends the page is loaded again to show the result.
    static let job = #"""
        const box = document.getElementById("job");
        if (box && box.dataset.finished !== "true") {
          const bar = document.getElementById("job-progress");
          const percent = document.getElementById("job-percent");
          const stage = document.getElementById("job-stage");
          const events = new EventSource("/api/jobs/" + encodeURIComponent(box.dataset.job) + "/events");
          const show = (message) => {
            const view = JSON.parse(message.data);
            bar.value = view.percent;
            bar.textContent = view.percent + " %";
            percent.textContent = view.percent + " %";
            stage.textContent = view.job.stage || "";
          };
          events.addEventListener("progress", show);
          for (const end of ["succeeded", "failed", "cancelled"]) {
            events.addEventListener(end, (message) => {
              show(message);
              events.close();
              window.location.reload();
            });
          }
        }
        """#
}
