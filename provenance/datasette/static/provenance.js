/* provenance: fold the column descriptions of a table page under a summary line. */
document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("dl.column-descriptions").forEach(function (list) {
        var details = document.createElement("details");
        details.className = "column-descriptions-fold";
        var summary = document.createElement("summary");
        summary.textContent = "What the columns mean (" + list.querySelectorAll("dt").length + ")";
        list.parentNode.insertBefore(details, list);
        details.appendChild(summary);
        details.appendChild(list);
    });
});
