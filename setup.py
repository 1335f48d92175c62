from setuptools import find_packages, setup

with open("requirements.txt") as f:
	install_requires = [line.strip() for line in f if line.strip() and not line.startswith("#")]

from mom_app import __version__ as version

setup(
	name="mom_app",
	version=version,
	description="Manufacturing Operations Management (MES, quality, line-side logistics, maintenance, IoT) for ERPNext",
	author="mom_app developers",
	author_email="mom-app@users.noreply.github.com",
	packages=find_packages(exclude=("tests", "tests.*")),
	zip_safe=False,
	include_package_data=True,
	install_requires=install_requires,
	python_requires=">=3.10",
)
