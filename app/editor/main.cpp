// boxanim [PROJECT|IMAGE]           the editor
// boxanim --screenshot OUT.png [--frame N] [..] lays the window out offscreen at 1280x800,
//                                   renders it to a PNG and exits (docs, tests)
//   [--generate N [--cancel]]       ... after starting a generation, once the preview of
//                                   sampler step N is on the canvas (--cancel: then
//                                   cancel it, as Esc does, and capture once it ended)
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QImage>
#include <QPixmap>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <memory>

#include "ui/document.h"
#ifdef BOXANIM_HAVE_GENERATION
#include <QElapsedTimer>
#include "ui/generation_controller.h"
#include "ui/generation_panel.h"
#endif
#include "ui/mainwindow.h"
#ifdef BOXANIM_HAVE_GENERATION
#include "ui/matte_overlay.h"
#endif
#include "ui/prompts.h"

namespace {
bool hasArg(int argc, char** argv, std::initializer_list<const char*> names) {
    for (int i = 1; i < argc; ++i)
        for (const char* n : names) {
            const size_t len = std::strlen(n);
            if (std::strncmp(argv[i], n, len) == 0 && (argv[i][len] == 0 || argv[i][len] == '='))
                return true;
        }
    return false;
}
}  // namespace

int main(int argc, char** argv) {
    const bool screenshot = hasArg(argc, argv, {"--screenshot"});
    // No display needed to take a screenshot or to print help.
    if (screenshot || hasArg(argc, argv, {"-h", "--help", "--help-all", "-v", "--version"}))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("BoxAnim"));
    QApplication::setApplicationName(QStringLiteral("boxanim"));
    QApplication::setApplicationDisplayName(QStringLiteral("BoxAnim"));
    QApplication::setApplicationVersion(QStringLiteral(BOXANIM_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("boxanim"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("BoxAnim: animate a still image with boxes and motion paths."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption shotOpt(QStringLiteral("screenshot"),
                               QStringLiteral("Render the window (1280x800) to <png> and exit."),
                               QStringLiteral("png"));
    parser.addOption(shotOpt);
    QCommandLineOption frameOpt(QStringLiteral("frame"),
                                QStringLiteral("With --screenshot: put the playhead on frame <n>."),
                                QStringLiteral("n"), QStringLiteral("0"));
    parser.addOption(frameOpt);
    QCommandLineOption generateOpt(
        QStringLiteral("generate"),
        QStringLiteral("With --screenshot: start generating and capture once the sampler's "
                       "preview step <n> is on the canvas (1 = the first preview)."),
        QStringLiteral("n"));
    parser.addOption(generateOpt);
    QCommandLineOption cancelOpt(
        QStringLiteral("cancel"),
        QStringLiteral("With --generate: cancel (as Esc does) once that preview is on the canvas "
                       "and capture after the job has ended."));
    parser.addOption(cancelOpt);
    QCommandLineOption noMattesOpt(
        QStringLiteral("no-mattes"),
        QStringLiteral("With --screenshot: hide the mattes overlay (View > Show Mattes off)."));
    parser.addOption(noMattesOpt);
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("A .boxanim project or an image to start from."),
                                 QStringLiteral("[file]"));
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    if (args.size() > 1) {
        std::fprintf(stderr, "boxanim: expected at most one file, got %lld\n",
                     static_cast<long long>(args.size()));
        return 2;
    }

    boxanim::ui::MainWindowOptions options;
    if (screenshot) {
        options.persistentSettings = false;  // a deterministic layout
        options.autosave = false;
    }
    boxanim::ui::MainWindow window(options);

    if (screenshot) {
        window.setPrompts(std::make_unique<boxanim::ui::SilentPrompts>());
#ifdef BOXANIM_HAVE_GENERATION
        if (parser.isSet(noMattesOpt) && window.showMattesAction())
            window.showMattesAction()->setChecked(false);  // before anything is scheduled
#endif
        if (!args.isEmpty() && !window.openFile(args.first())) return 2;
        const auto& objects = window.document()->project().objects;
        if (!objects.empty())
            window.document()->setSelectedObjectId(QString::fromStdString(objects.front().id));
        bool ok = false;
        const int frame = parser.value(frameOpt).toInt(&ok);
        if (!ok || frame < 0) {
            std::fprintf(stderr, "boxanim: --frame: expected a frame number, got %s\n",
                         qPrintable(parser.value(frameOpt)));
            return 2;
        }
        window.document()->setCurrentFrame(frame);
        window.resize(1280, 800);
        window.show();
        for (int i = 0; i < 5; ++i) QApplication::processEvents();
        window.canvas()->zoomToFit();
        QApplication::processEvents();
#ifdef BOXANIM_HAVE_GENERATION
        // The mattes overlay is computed on a worker: show it once it is there.
        if (auto* mattes = window.matteOverlay(); mattes && mattes->isEnabled()) {
            QElapsedTimer clock;
            clock.start();
            while (mattes->isBusy() && clock.elapsed() < 300000)
                QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            // Generate from where a user who waited a moment would: the clean
            // plate made in the background too.
            while (parser.isSet(generateOpt) && !window.document()->project().objects.empty() &&
                   mattes->platesPrepared() == 0 && clock.elapsed() < 300000)
                QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            for (int i = 0; i < 3; ++i) QApplication::processEvents();
        }
        if (parser.isSet(generateOpt)) {
            const int wantStep = std::max(1, parser.value(generateOpt).toInt());
            auto* gen = window.generationController();
            int seen = 0;
            bool ended = false;
            QObject::connect(gen, &boxanim::ui::GenerationController::previewReady, &window,
                             [&](quint64, int step, int) { seen = step; });
            QObject::connect(gen, &boxanim::ui::GenerationController::jobEnded, &window,
                             [&] { ended = true; });
            QElapsedTimer clock;
            clock.start();
            if (window.generationPanel()->generate() == 0) return 2;
            while (seen < wantStep && !ended && clock.elapsed() < 600000)
                QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            if (seen < wantStep) {
                std::fprintf(stderr, "boxanim: --generate: no preview of step %d (%s)\n", wantStep,
                             qPrintable(gen->outcome().message));
                return 1;
            }
            std::printf("preview step %d on the canvas %lld ms after Generate\n", seen,
                        static_cast<long long>(clock.elapsed()));
            if (parser.isSet(cancelOpt)) {
                window.cancelAction()->trigger();
                while (!ended && clock.elapsed() < 600000)
                    QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            }
            for (int i = 0; i < 3; ++i) QApplication::processEvents();
        }
#endif
        const QImage shot = window.grab().toImage();
        const QString out = parser.value(shotOpt);
        if (shot.isNull() || !shot.save(out, "PNG")) {
            std::fprintf(stderr, "boxanim: %s: cannot write the screenshot\n", qPrintable(out));
            return 1;
        }
        std::printf("%s: %dx%d\n", qPrintable(out), shot.width(), shot.height());
        // Where the photo lies in the screenshot (window pixels), for tests
        // that compare what the canvas shows with the photo or a preview.
        const QSize px = window.document()->image().size();
        if (!px.isEmpty()) {
            auto* canvas = window.canvas();
            const QPoint a = canvas->viewport()->mapTo(&window, canvas->toView(QPointF(0, 0)).toPoint());
            const QPoint b = canvas->viewport()->mapTo(
                &window, canvas->toView(QPointF(px.width(), px.height())).toPoint());
            std::printf("photo at %d %d %d %d\n", a.x(), a.y(), b.x() - a.x(), b.y() - a.y());
        }
        return 0;
    }

    window.show();
    if (!args.isEmpty()) {
        const QString file = args.first();
        QTimer::singleShot(0, &window, [&window, file] { window.openFile(file); });
    } else {
        QTimer::singleShot(0, &window, [&window] { window.offerRecovery(); });
    }
    return app.exec();
}
