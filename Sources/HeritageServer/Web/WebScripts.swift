/// The pages' small script modules, served at `/static/NAME` (the Content-Security-Policy
/// allows scripts from this origin only, never inline). Each improves a page that works
/// without it; the texts they show come from the page, in its language.
enum WebScripts {
    static let modules: [String: String] = [
        "upload.js": upload, "job.js": job, "map.js": map, "viewer.js": viewer, "photo.js": photo,
    ]

    /// The upload page: each file is sent on its own as a resumable upload (`POST
    /// /api/sites/{code}/uploads`, then its parts with `PATCH /api/uploads/{id}`), with a
    /// progress bar and a cancel button; the reader's refusal is shown at the file. When a part
    /// fails, the page waits (2, 4, 8… s), asks how far the file has come, and goes on from there;
    /// a server that restarted has forgotten the upload, and the file starts again (the archive
    /// stores a file once, by its hash, so one that did arrive is answered as a duplicate, not
    /// stored twice). Files can be dropped on the page as well as chosen.
    static let upload = #"""
        const form = document.getElementById("upload-form");
        if (form) {
          const text = (key) => form.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
          const list = document.getElementById("upload-list");
          const drop = document.getElementById("dropzone");
          const site = form.dataset.site;
          const maxAttempts = 6;
          // Parts of 8 MiB (data-part-size, read at each part, sets another size).
          const partSize = () => Number(form.dataset.partSize) || 8 * 1024 * 1024;

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

            // The file goes as a resumable upload, in parts: when a part fails, the page asks
            // the server how far the file has come and goes on from there.
            let request = null;
            let timer = null;
            let stopped = false;
            let location = null;
            let offset = 0;
            let failures = 0;
            cancel.addEventListener("click", () => {
              stopped = true;
              clearTimeout(timer);
              if (request) request.abort();
              if (location) fetch(location, { method: "DELETE" }).catch(() => {});
              say(row, text("cancelled"));
              cancel.remove();
            });

            const refused = (xhr) => {
              let body = {};
              try { body = JSON.parse(xhr.responseText); } catch (error) { body = {}; }
              cancel.remove();
              say(row, body.error || xhr.status + " " + xhr.statusText, "error");
            };
            const retry = () => {
              if (stopped) return;
              failures += 1;
              if (failures >= maxAttempts) {
                say(row, text("failed"), "error");
                cancel.remove();
                return;
              }
              const seconds = Math.min(30, 2 ** failures);
              say(row, text("retry").replace("{s}", seconds), "error");
              timer = setTimeout(location ? resume : open, seconds * 1000);
            };
            const call = (method, url, headers, body, loaded) => {
              if (stopped) return;
              request = new XMLHttpRequest();
              request.open(method, url);
              for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
              if (method === "PATCH") {
                request.upload.addEventListener("progress", (event) => {
                  if (file.size) bar.value = Math.round((100 * (offset + event.loaded)) / file.size);
                });
              }
              const xhr = request;
              xhr.addEventListener("load", () => {
                if (xhr.status >= 500 || xhr.status === 0) retry();
                else loaded(xhr);
              });
              xhr.addEventListener("error", retry);
              xhr.send(body);
            };
            const open = () => {
              const query = new URLSearchParams({ filename: file.name, size: file.size });
              if (form.survey.value) query.set("survey", form.survey.value);
              call("POST", "/api/sites/" + encodeURIComponent(site) + "/uploads?" + query, {}, null, (xhr) => {
                if (xhr.status !== 201) return refused(xhr);
                location = JSON.parse(xhr.responseText).location;
                offset = 0;
                part();
              });
            };
            const resume = () => {
              call("GET", location, {}, null, (xhr) => {
                if (xhr.status === 404) {
                  // The server forgot it (it restarted): the file starts again.
                  location = null;
                  return open();
                }
                if (xhr.status !== 200) return refused(xhr);
                offset = JSON.parse(xhr.responseText).offset;
                row.dataset.resumedAt = offset;
                part();
              });
            };
            const part = () => {
              const end = Math.min(file.size, offset + partSize());
              const headers = { "Upload-Offset": String(offset), "Content-Type": "application/octet-stream" };
              call("PATCH", location, headers, file.slice(offset, end), (xhr) => {
                const held = Number(xhr.getResponseHeader("Upload-Offset"));
                // 409 at our offset: the server still holds the request the link dropped; it
                // lets a newer one take over once that has sent nothing for a while.
                if (xhr.status === 409 && held === offset) return retry();
                if (xhr.status === 204 || xhr.status === 409) {
                  offset = held;
                  failures = 0;
                  return part();
                }
                if (xhr.status === 404) return resume();
                if (xhr.status !== 200 && xhr.status !== 201) return refused(xhr);
                const body = JSON.parse(xhr.responseText);
                cancel.remove();
                location = null;
                bar.value = 100;
                row.dataset.sha256 = body.sha256;
                let message = text(body.outcome === "duplicate" ? "duplicate" : "stored") + " " + body.version;
                if (body.warnings && body.warnings.length) {
                  message += " · " + text("warning") + ": " + body.warnings.join("; ");
                }
                say(row, message, "ok");
              });
            };
            open();
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

    /// The map (`/`): Leaflet from this server (`/vendor/leaflet/`), the clusters of the
    /// register in view from `GET /api/map` each time the map moves or a filter changes, a
    /// marker per cluster (its count; coloured by the worst condition among its sites; Enter or
    /// a click zooms in on it) or per site (its name; a popup with the link to its page), and a
    /// restricted site the reader may not locate as its 0.1° cell. Without a tile server the
    /// background is the country outlines and a graticule, served by this server.
    static let map = #"""
        import * as L from "/vendor/leaflet/leaflet.esm.js";

        const box = document.getElementById("map");
        if (box) {
          const text = (key) => box.dataset["t" + key.replace(/-(.)/g, (_, c) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase())] || key;
          const conditionNames = Object.fromEntries(text("conditions").split("|").map((pair) => pair.split("=")));
          const worstFirst = ["destroyed", "very-bad", "poor", "fair", "good", "unknown", "unassessed"];
          const form = document.getElementById("map-filters");
          const status = document.getElementById("map-status");
          const listLink = document.getElementById("map-list");

          // The view is kept in the address (#zoom/latitude/longitude), to share or come back to.
          const viewInAddress = () => {
            const view = location.hash.match(/^#(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/);
            return view ? { zoom: Number(view[1]), center: [Number(view[2]), Number(view[3])] } : null;
          };
          const start = viewInAddress() || { zoom: 2, center: [30, 30] };
          const map = L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 19 }).setView(start.center, start.zoom);
          window.addEventListener("hashchange", () => {
            const view = viewInAddress();
            if (view) map.setView(view.center, view.zoom);
          });
          if (box.dataset.tiles) {
            L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 19 }).addTo(map);
          } else {
            box.classList.add("offline");
            const lines = [];
            for (let longitude = -180; longitude <= 180; longitude += 30) lines.push([[-85, longitude], [85, longitude]]);
            for (let latitude = -60; latitude <= 60; latitude += 30) lines.push([[latitude, -180], [latitude, 180]]);
            L.polyline(lines, { color: "#9fb3c8", weight: 1, interactive: false }).addTo(map);
            fetch("/static/countries.geojson").then((answer) => answer.json()).then((outlines) => {
              L.geoJSON(outlines, {
                interactive: false,
                style: { color: "#6e7781", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 },
              }).addTo(map).bringToBack();
            });
          }
          const drawn = L.layerGroup().addTo(map);

          const filters = () => {
            const query = new URLSearchParams();
            for (const [name, value] of new FormData(form)) if (value) query.append(name, value);
            return query;
          };
          const worst = (counts) => worstFirst.find((condition) => counts[condition]) || "unassessed";

          const draw = (answer) => {
            drawn.clearLayers();
            for (const cluster of answer.clusters) {
              const size = Math.round(28 + 8 * Math.log10(cluster.count));
              const summary = worstFirst.filter((c) => cluster.conditions[c])
                .map((c) => cluster.conditions[c] + " " + (conditionNames[c] || c)).join(", ");
              const marker = L.marker([cluster.latitude, cluster.longitude], {
                icon: L.divIcon({
                  className: "cluster c-" + worst(cluster.conditions),
                  html: String(cluster.count),
                  iconSize: [size, size],
                }),
                title: cluster.count + " " + text("sites") + ": " + summary + ". " + text("zoom-in"),
                keyboard: true,
                riseOnHover: true,
              });
              const zoomIn = () => {
                const bounds = L.latLngBounds([cluster.south, cluster.west], [cluster.north, cluster.east]);
                if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), map.getZoom() + 3);
                else map.fitBounds(bounds.pad(0.2), { maxZoom: 19 });
              };
              marker.on("click", zoomIn);
              // Leaflet opens a marker's popup on Enter, but does not click it.
              marker.on("keypress", (event) => { if (event.originalEvent.key === "Enter") zoomIn(); });
              drawn.addLayer(marker);
            }
            for (const { site, cell } of answer.sites) {
              const condition = site.latestCondition || "unassessed";
              if (cell) {
                drawn.addLayer(L.rectangle([[cell[0], cell[1]], [cell[2], cell[3]]], {
                  className: "generalised-cell", color: "#5a3e85", weight: 2, dashArray: "6 4", fillOpacity: 0.08,
                  interactive: false,
                }));
              }
              const marker = L.marker([site.latitude, site.longitude], {
                icon: L.divIcon({ className: "site c-" + condition + (cell ? " generalised" : ""), iconSize: [16, 16] }),
                title: site.name + " (" + site.code + "): " + (conditionNames[condition] || condition)
                  + (cell ? ", " + text("generalised") : ""),
                keyboard: true,
              });
              const popup = document.createElement("div");
              const link = document.createElement("a");
              link.href = "/sites/" + encodeURIComponent(site.code);
              link.textContent = site.name;
              link.dir = "auto";
              const detail = document.createElement("p");
              detail.textContent = site.code + " · " + (conditionNames[condition] || condition)
                + (cell ? " · " + text("generalised") : "");
              popup.append(link, detail);
              marker.bindPopup(popup);
              drawn.addLayer(marker);
            }
            status.textContent = text("in-view").replace("{n}", answer.total.toLocaleString());
          };

          let pending = null;
          const load = async () => {
            const bounds = map.getBounds();
            const query = filters();
            listLink.href = "/sites?" + query;
            query.set("bbox", [bounds.getSouth(), bounds.getWest(), bounds.getNorth(), bounds.getEast()]
              .map((value) => value.toFixed(5)).join(","));
            query.set("zoom", map.getZoom());
            const center = map.getCenter();
            history.replaceState(null, "", location.pathname + location.search + "#" + map.getZoom() + "/"
              + center.lat.toFixed(4) + "/" + center.lng.toFixed(4));
            if (pending) pending.abort();
            pending = new AbortController();
            try {
              const answer = await fetch("/api/map?" + query, { signal: pending.signal });
              const body = await answer.json();
              if (!answer.ok) {
                status.textContent = body.error || answer.statusText;
                return;
              }
              draw(body);
              box.dataset.loaded = String(Number(box.dataset.loaded || 0) + 1);
              // For Tools/bench-pages.py: when the first clusters were drawn (User Timing).
              if (box.dataset.loaded === "1") performance.mark("map-drawn");
            } catch (error) {
              if (error.name !== "AbortError") status.textContent = String(error);
            }
          };
          map.on("moveend", load);
          form.addEventListener("change", load);
          form.addEventListener("submit", (event) => {
            event.preventDefault();
            history.replaceState(null, "", "/?" + filters() + location.hash);
            load();
          });
          load();
        }
        """#

    /// The 3D viewer (`/findings/{id}`), on three.js from this server (`/vendor/three/`): the
    /// scene from `GET /api/findings/{id}/scene`, points from `/points` (a sample of at most the
    /// budget; zoomed in, the points of the part in view), the epoch chosen by the radio buttons,
    /// OrbitControls, and the regions' buttons flying the view to each.
    static let viewer = #"""
        import * as THREE from "/vendor/three/build/three.module.js";
        import { OrbitControls } from "/vendor/three/examples/jsm/controls/OrbitControls.js";

        const box = document.getElementById("viewer");
        if (box) {
          const status = document.getElementById("viewer-status");
          const finding = box.dataset.finding;
          const budget = Number(box.dataset.budget) || 2000000;
          const renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
          renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
          const canvas = renderer.domElement;
          canvas.tabIndex = 0;
          canvas.setAttribute("role", "img");
          canvas.setAttribute("aria-label", box.dataset.tView);
          box.append(canvas);
          const world = new THREE.Scene();
          world.background = new THREE.Color(0x30343a);
          const camera = new THREE.PerspectiveCamera(50, 1, 0.01, 1e7);
          camera.up.set(0, 0, 1);
          const controls = new OrbitControls(camera, canvas);
          controls.screenSpacePanning = true;
          const material = new THREE.PointsMaterial({ size: 1, vertexColors: THREE.VertexColors });
          // The server's samples are binary PLY of 15-byte records (float x, y, z; uchar red,
          // green, blue), read here in one pass into the arrays the graphics card takes: the
          // general PLY loader takes seconds over two million points.
          const parse = (buffer, head) => {
            const end = head.indexOf("end_header\n");
            const declared = head.match(/element vertex (\d+)/);
            if (end < 0 || !declared) throw new Error("not a point sample");
            const start = new TextEncoder().encode(head.slice(0, end + 11)).length;
            const count = Math.min(Number(declared[1]), Math.floor((buffer.byteLength - start) / 15));
            const view = new DataView(buffer, start);
            const bytes = new Uint8Array(buffer, start);
            const positions = new Float32Array(count * 3);
            const colours = new Uint8Array(count * 3);
            for (let i = 0, at = 0, k = 0; i < count; i += 1, at += 15, k += 3) {
              positions[k] = view.getFloat32(at, true);
              positions[k + 1] = view.getFloat32(at + 4, true);
              positions[k + 2] = view.getFloat32(at + 8, true);
              colours[k] = bytes[at + 12];
              colours[k + 1] = bytes[at + 13];
              colours[k + 2] = bytes[at + 14];
            }
            const geometry = new THREE.BufferGeometry();
            geometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
            geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3, true));
            geometry.computeBoundingSphere();
            return geometry;
          };
          let points = null;
          let scene = null;
          let epoch = "changes";
          let detailed = false;  // the points are of a box, not of the whole
          let sampled = false;  // the whole was more than the budget: what is shown is a sample
          let radius = 1;

          const render = () => renderer.render(world, camera);
          const resize = () => {
            const width = box.clientWidth;
            const height = Math.max(240, Math.round(width * 0.62));
            renderer.setSize(width, height);
            camera.aspect = width / height;
            camera.updateProjectionMatrix();
            render();
          };
          window.addEventListener("resize", resize);
          controls.addEventListener("change", render);

          const load = async (region) => {
            const query = new URLSearchParams({ epoch, budget: String(budget) });
            if (region) query.set("box", region.map((v) => v.toFixed(4)).join(","));
            const answer = await fetch("/api/findings/" + encodeURIComponent(finding) + "/points?" + query);
            if (!answer.ok) {
              let message = answer.statusText;
              try { message = (await answer.json()).error || message; } catch (error) { /* not JSON */ }
              status.textContent = message;
              return;
            }
            const buffer = await answer.arrayBuffer();
            const head = new TextDecoder().decode(new Uint8Array(buffer, 0, Math.min(600, buffer.byteLength)));
            const counts = head.match(/points in box (\d+) kept (\d+)/);
            const geometry = parse(buffer, head);
            if (points) {
              world.remove(points);
              points.geometry.dispose();
            }
            points = new THREE.Points(geometry, material);
            world.add(points);
            detailed = Boolean(region);
            const kept = counts ? Number(counts[2]) : geometry.attributes.position.count;
            const total = counts ? Number(counts[1]) : kept;
            if (!region) sampled = kept < total;
            // A point is drawn about as wide as the spacing of the points shown.
            const extent = region ? Math.max(region[3] - region[0], region[4] - region[1]) : 2 * radius;
            material.size = Math.max(extent / Math.sqrt(Math.max(kept, 1)) * 1.2, 1e-6);
            status.textContent = box.dataset.tShown.replace("{kept}", kept.toLocaleString())
              .replace("{total}", total.toLocaleString());
            render();
            box.dataset.loaded = String(Number(box.dataset.loaded || 0) + 1);
            // For Tools/bench-pages.py: when the first frame of points was drawn (User Timing).
            if (box.dataset.loaded === "1") performance.mark("viewer-drawn");
          };

          // Zoomed in on part of a sample, the part in view is loaded whole (up to the budget);
          // zoomed out again, the whole is.
          let settle = null;
          controls.addEventListener("end", () => {
            clearTimeout(settle);
            settle = setTimeout(() => {
              const distance = camera.position.distanceTo(controls.target);
              const half = distance * Math.tan((camera.fov * Math.PI) / 360) * 1.1;
              if (sampled && half < radius * 0.75) {
                const t = controls.target;
                load([t.x - half, t.y - half, t.z - half, t.x + half, t.y + half, t.z + half]);
              } else if (detailed) {
                load(null);
              }
            }, 400);
          });

          const fly = (target, distance) => {
            const from = controls.target.clone();
            const fromPosition = camera.position.clone();
            const direction = fromPosition.clone().sub(from).normalize();
            const toPosition = target.clone().add(direction.multiplyScalar(distance));
            const start = performance.now();
            const step = (now) => {
              const t = Math.min(1, (now - start) / 600);
              const ease = t * t * (3 - 2 * t);
              controls.target.lerpVectors(from, target, ease);
              camera.position.lerpVectors(fromPosition, toPosition, ease);
              controls.update();
              render();
              if (t < 1) requestAnimationFrame(step);
              else controls.dispatchEvent({ type: "end" });
            };
            requestAnimationFrame(step);
          };

          fetch("/api/findings/" + encodeURIComponent(finding) + "/scene").then(async (answer) => {
            const body = await answer.json();
            if (!answer.ok) {
              status.textContent = body.error || answer.statusText;
              return;
            }
            scene = body;
            const lower = new THREE.Vector3(...scene.lower);
            const upper = new THREE.Vector3(...scene.upper);
            const center = lower.clone().add(upper).multiplyScalar(0.5);
            radius = Math.max(upper.clone().sub(lower).length() / 2, 1e-6);
            camera.near = radius / 1000;
            camera.far = radius * 100;
            controls.target.copy(center);
            camera.position.copy(center).add(new THREE.Vector3(radius * 1.2, -radius * 1.8, radius * 1.2));
            controls.update();
            resize();
            await load(null);
          });

          for (const choice of document.querySelectorAll("input[name=epoch]")) {
            choice.addEventListener("change", () => {
              epoch = choice.value;
              load(null);
            });
          }
          for (const button of document.querySelectorAll("button.fly")) {
            button.addEventListener("click", () => {
              if (!scene) return;
              const region = scene.regions[Number(button.dataset.region)];
              const lower = new THREE.Vector3(...region.lower);
              const upper = new THREE.Vector3(...region.upper);
              const size = Math.max(upper.clone().sub(lower).length(), radius * 0.05);
              fly(new THREE.Vector3(...region.centroid), size * 2);
              const row = button.closest("tr");
              const cells = row ? [...row.cells].slice(0, -1).map((cell) => cell.textContent) : [];
              const headers = [...button.closest("table").querySelectorAll("th")].map((th) => th.textContent);
              document.getElementById("viewer-region").textContent =
                cells.map((value, index) => headers[index] + ": " + value).join(" · ");
              canvas.focus();
            });
          }
        }
        """#

    /// Two photographs compared (`/findings/{id}` of method photo): one over the other, the
    /// slider uncovering the before photograph from the left; the box puts the change overlay in
    /// place of the after photograph.
    static let photo = #"""
        const swipe = document.getElementById("swipe");
        if (swipe) {
          const controls = document.getElementById("swipe-controls");
          const range = document.getElementById("swipe-position");
          controls.hidden = false;
          swipe.classList.add("swiping");
          const place = () => swipe.style.setProperty("--split", range.value + "%");
          range.addEventListener("input", place);
          place();
          const changes = document.getElementById("show-changes");
          const after = swipe.querySelector("figure.after img");
          if (changes && after) {
            changes.addEventListener("change", () => {
              after.src = "/api/files/" + encodeURIComponent(changes.checked ? swipe.dataset.overlay : swipe.dataset.after);
            });
          }
        }
        """#
}
